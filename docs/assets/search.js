/* Archive search: a header box on every page (suggestions as you type, Enter for the results page)
   and the results page (filters, pagination, shareable URL), both calling the Whoosh service /api/search. */
(function () {
  "use strict";
  var API = "/api/search";
  var baseMeta = document.querySelector('meta[name="archive-base"]');
  var base = new URL((baseMeta ? baseMeta.content : ".") + "/", location.href);
  var resultsUrl = new URL("tim-kiem/", base);
  var FACET_LABELS = { year: "Năm", doc_type: "Loại văn bản", province: "Tỉnh, thành phố", issuer: "Cơ quan ban hành" };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  function docUrl(hit) { return new URL(hit.url.replace(/^\//, ""), base).href; }
  function fetchJson(params) {
    return fetch(API + "?" + params.toString(), { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) throw new Error(body.error || r.statusText); return body; });
    });
  }

  function headerBox() {
    var inner = document.querySelector(".md-header__inner");
    if (!inner || document.querySelector(".archive-search")) return;
    var form = el("form", { class: "archive-search", role: "search", action: resultsUrl.href, method: "get" });
    var input = el("input", { type: "search", name: "q", placeholder: "Tìm văn bản…", "aria-label": "Tìm văn bản", autocomplete: "off" });
    var list = el("ul", { class: "archive-search__suggest", role: "listbox", hidden: "" });
    form.appendChild(input); form.appendChild(list);
    var title = inner.querySelector(".md-header__title");
    inner.insertBefore(form, title ? title.nextSibling : null);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { list.hidden = true; return; }
      timer = setTimeout(function () {
        fetchJson(new URLSearchParams({ q: q, per_page: "5" })).then(function (data) {
          list.innerHTML = "";
          data.hits.forEach(function (hit) {
            var li = el("li", { role: "option" });
            var a = el("a", { href: docUrl(hit) }, hit.title);
            var s = el("span", { class: "archive-search__snippet" }); s.innerHTML = hit.snippet;
            li.appendChild(a); li.appendChild(s); list.appendChild(li);
          });
          list.hidden = data.hits.length === 0;
        }).catch(function () { list.hidden = true; });
      }, 200);
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) list.hidden = true; });
  }

  function resultsPage() {
    var root = document.getElementById("search-page");
    if (!root) return;
    var params = new URLSearchParams(location.search);
    var form = root.querySelector("form");
    form.q.value = params.get("q") || "";
    form.sort.value = params.get("sort") || "relevance";
    var status = root.querySelector(".search-page__status");
    var results = root.querySelector(".search-page__results");
    var facets = root.querySelector(".search-page__facets");
    var pages = root.querySelector(".search-page__pages");
    if (!params.get("q")) { status.textContent = "Nhập từ khóa để tìm trong toàn bộ kho văn bản."; return; }
    status.textContent = "Đang tìm…";
    fetchJson(params).then(function (data) {
      status.textContent = data.total + " kết quả cho “" + data.query + "” (" + data.took_ms + " ms)." + (data.message ? " " + data.message : "");
      if (data.suggestion) {
        var p = new URLSearchParams(params); p.set("q", data.suggestion); p.delete("page");
        var a = el("a", { href: "?" + p.toString(), class: "search-page__suggestion" }, data.suggestion);
        status.appendChild(document.createTextNode(" Có phải bạn muốn tìm: ")); status.appendChild(a);
      }
      results.innerHTML = "";
      results.start = (data.page - 1) * data.per_page + 1;
      data.hits.forEach(function (hit) {
        var li = el("li", { class: "search-hit" });
        li.appendChild(el("a", { href: docUrl(hit), class: "search-hit__title" }, hit.title));
        var meta = [hit.doc_type, hit.number && "số " + hit.number, hit.date, hit.issuer].filter(Boolean).join(" · ");
        li.appendChild(el("div", { class: "search-hit__meta" }, meta));
        var s = el("p", { class: "search-hit__snippet" }); s.innerHTML = hit.snippet; li.appendChild(s);
        results.appendChild(li);
      });
      facets.innerHTML = "";
      Object.keys(data.facets).forEach(function (name) {
        if (!data.facets[name].length) return;
        var box = el("section", { class: "search-facet" });
        box.appendChild(el("h3", {}, FACET_LABELS[name] || name));
        var ul = el("ul");
        data.facets[name].forEach(function (f) {
          var p = new URLSearchParams(params); p.delete("page");
          var active = params.get(name) === String(f.value);
          if (active) p.delete(name); else p.set(name, f.value);
          var li = el("li");
          li.appendChild(el("a", { href: "?" + p.toString(), class: active ? "is-active" : "" }, (active ? "✓ " : "") + f.value + " (" + f.count + ")"));
          ul.appendChild(li);
        });
        box.appendChild(ul); facets.appendChild(box);
      });
      pages.innerHTML = "";
      var last = Math.ceil(data.total / data.per_page);
      for (var n = 1; n <= last && last > 1; n++) {
        var p = new URLSearchParams(params); p.set("page", n);
        pages.appendChild(el("a", { href: "?" + p.toString(), class: n === data.page ? "is-current" : "" }, String(n)));
      }
    }).catch(function (err) {
      status.textContent = "Không kết nối được dịch vụ tìm kiếm. Nếu kho được phục vụ dưới dạng tệp tĩnh, chức năng tìm kiếm cần dịch vụ /api/search (xem README). " + (err && err.message ? "(" + err.message + ")" : "");
      status.classList.add("is-error");
    });
  }

  function start() { headerBox(); resultsPage(); }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(start); else document.addEventListener("DOMContentLoaded", start);
})();
