/* Material's three inline scripts (partials/javascripts/base.html, palette.html, content.html of mkdocs-material 9.8.1),
   moved to a file so that pages need no inline script at all (CSP script-src 'self'). The scope comes from the
   archive-base meta tag written just before this script (overrides/partials/javascripts/base.html). */
/* base */
__md_scope=new URL(document.querySelector('meta[name="archive-base"]').content.replace(/\/*$/,"/"),location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}};
/* palette: applies the reader's chosen colour scheme before the page paints */
function __md_palette(){var palette=__md_get("__palette");if(palette&&palette.color){if("(prefers-color-scheme)"===palette.color.media){var media=matchMedia("(prefers-color-scheme: light)"),input=document.querySelector(media.matches?"[data-md-color-media='(prefers-color-scheme: light)']":"[data-md-color-media='(prefers-color-scheme: dark)']");palette.color.media=input.getAttribute("data-md-color-media"),palette.color.scheme=input.getAttribute("data-md-color-scheme"),palette.color.primary=input.getAttribute("data-md-color-primary"),palette.color.accent=input.getAttribute("data-md-color-accent")}for(var[key,value]of Object.entries(palette.color))document.body.setAttribute("data-md-color-"+key,value)}}
/* content */
function __md_content(){var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))}
