/* Archive search: a header box on every page (an ARIA combobox of suggestions: ↑ ↓ Enter Esc) and the results page
   (filters folded under "Lọc" on phones, sort and filters applied at once, bounded pager, shareable URL), both calling
   the Whoosh service /api/search. Without the service (a static host), both fall back to the Pagefind index shipped in
   /pagefind/ (titles, numbers, issuers, places, dates, with accent-less forms) and say that full text needs the service.
   Also: the citation's access date and copy button. No inline handlers: the pages work under a strict CSP. */
(function () {
  "use strict";
  var API = "/api/search";
  var baseMeta = document.querySelector('meta[name="archive-base"]');
  var baseText = (baseMeta && baseMeta.content) || ".";
  var base = new URL(baseText.replace(/\/*$/, "/"), location.href);  // "/" on the 404 page, "../../" deeper: never "//"
  var resultsUrl = new URL("tim-kiem/", base);
  var FACET_LABELS = { year: "Năm", doc_type: "Loại văn bản", province: "Tỉnh, thành phố", issuer: "Cơ quan ban hành" };
  var FILTERS = Object.keys(FACET_LABELS);
  var STATIC_NOTE = "Dịch vụ tìm kiếm không trả lời: đang tìm trong chỉ mục tĩnh (tiêu đề, số hiệu, cơ quan ban hành, địa bàn, ngày). Tìm trong toàn văn cần dịch vụ tìm kiếm.";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  function docUrl(hit) { return new URL(hit.url.replace(/^\//, ""), base).href; }
  function vnDate(iso) {  // 2021-09-23 → 23/09/2021; 2023-07 → tháng 7/2023
    var p = String(iso || "").split("-");
    if (!/^\d{4}(-\d{2}){0,2}$/.test(iso || "")) return iso || "";
    if (p.length === 3) return p[2] + "/" + p[1] + "/" + p[0];
    if (p.length === 2) return "tháng " + Number(p[1]) + "/" + p[0];
    return "năm " + p[0];
  }
  function fetchJson(params) {
    return fetch(API + "?" + params.toString(), { headers: { Accept: "application/json" } }).then(function (r) {
      var json = (r.headers.get("content-type") || "").indexOf("json") >= 0;
      if (!json) { var e = new Error("no service"); e.offline = true; throw e; }  // a static host answers HTML or 404
      return r.json().then(function (body) { if (!r.ok) throw new Error(body.error || r.statusText); return body; });
    }, function () { var e = new Error("no service"); e.offline = true; throw e; });
  }

  // Pagefind (static index): loaded only when the service is unreachable.
  var pagefind = null;
  function staticSearch(q, limit) {
    if (!pagefind) pagefind = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) { return pf.init ? pf.init().then(function () { return pf; }) : pf; });
    return pagefind.then(function (pf) { return pf.search(q); }).then(function (res) {
      return Promise.all(res.results.slice(0, limit).map(function (r) { return r.data(); })).then(function (rows) {
        return { total: res.results.length, hits: rows.map(function (d) {
          return { url: d.url, title: (d.meta && d.meta.title) || d.url, meta: (d.meta && d.meta.info) || "" };
        }) };
      });
    });
  }

  function headerBox() {
    var inner = document.querySelector(".md-header__inner");
    if (!inner || document.querySelector(".archive-search")) return;
    var form = el("form", { class: "archive-search", role: "search", "aria-label": "Tìm nhanh", action: resultsUrl.href, method: "get" });
    var input = el("input", { type: "search", name: "q", placeholder: "Tìm văn bản…", "aria-label": "Tìm văn bản", autocomplete: "off",
      role: "combobox", "aria-expanded": "false", "aria-controls": "archive-suggest", "aria-autocomplete": "list" });
    var list = el("ul", { class: "archive-search__suggest", id: "archive-suggest", role: "listbox", "aria-label": "Gợi ý", hidden: "" });
    form.appendChild(input); form.appendChild(list);
    var title = inner.querySelector(".md-header__title");
    inner.insertBefore(form, title ? title.nextSibling : null);
    var timer = null, active = -1, asked = 0;
    function options() { return list.querySelectorAll("[role=option]"); }
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; }
    function move(to) {
      var opts = options();
      if (!opts.length) return;
      active = (to + opts.length) % opts.length;
      opts.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function show(hits, note) {
      list.innerHTML = ""; active = -1;
      hits.forEach(function (hit, i) {
        var li = el("li", { role: "option", id: "archive-suggest-" + i, "aria-selected": "false", "data-href": docUrl(hit) });
        li.appendChild(el("span", { class: "archive-search__title" }, hit.title));
        var meta = hit.meta || [hit.number && "số " + hit.number, vnDate(hit.date), hit.issuer, hit.province].filter(Boolean).join(" · ");
        if (meta) li.appendChild(el("span", { class: "archive-search__meta" }, meta));
        li.addEventListener("mousedown", function (e) { e.preventDefault(); location.href = li.getAttribute("data-href"); });
        list.appendChild(li);
      });
      if (note && hits.length) list.appendChild(el("li", { class: "archive-search__note", role: "presentation" }, "Chỉ mục tĩnh: tiêu đề, số hiệu, cơ quan, địa bàn."));
      list.hidden = hits.length === 0;
      input.setAttribute("aria-expanded", hits.length ? "true" : "false");
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        var ticket = ++asked;
        fetchJson(new URLSearchParams({ q: q, per_page: "5" })).then(function (data) {
          if (ticket === asked) show(data.hits);
        }).catch(function (err) {
          if (!err.offline) { close(); return; }
          staticSearch(q, 5).then(function (data) { if (ticket === asked) show(data.hits, true); }).catch(close);
        });
      }, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) return; move(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); if (list.hidden) return; move(active - 1); }
      else if (e.key === "Escape") { if (!list.hidden) { e.preventDefault(); close(); } }
      else if (e.key === "Enter" && active >= 0 && !list.hidden) { e.preventDefault(); location.href = options()[active].getAttribute("data-href"); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function resultsPage() {
    var root = document.getElementById("search-page");
    if (!root) return;
    var params = new URLSearchParams(location.search);
    var form = root.querySelector("form");
    var q = params.get("q") || "";
    form.q.value = q;
    form.sort.value = params.get("sort") || "relevance";
    FILTERS.forEach(function (f) { if (params.get(f)) form.appendChild(el("input", { type: "hidden", name: f, value: params.get(f) })); });
    form.sort.addEventListener("change", function () { if (form.q.value.trim()) form.submit(); });  // sort applies at once
    var status = root.querySelector(".search-page__status");
    var results = root.querySelector(".search-page__results");
    var filters = root.querySelector(".search-page__filters");
    var facets = root.querySelector(".search-page__facets");
    var pages = root.querySelector(".search-page__pages");
    var wide = window.matchMedia("(min-width: 60em)");
    function unfold() { if (wide.matches) filters.open = true; }
    unfold(); wide.addEventListener("change", unfold);
    if (!q) { status.textContent = "Nhập từ khóa để tìm trong toàn bộ kho văn bản."; filters.hidden = true; return; }
    status.textContent = "Đang tìm…";
    function link(p) { return "?" + p.toString(); }
    function hitItem(hit) {
      var li = el("li", { class: "search-hit" });
      li.appendChild(el("a", { href: docUrl(hit), class: "search-hit__title" }, hit.title));
      var meta = hit.meta || [hit.doc_type, hit.number && "số " + hit.number, vnDate(hit.date), hit.issuer, hit.place || hit.province].filter(Boolean).join(" · ");
      if (meta) li.appendChild(el("div", { class: "search-hit__meta" }, meta));
      if (hit.snippet) { var s = el("p", { class: "search-hit__snippet" }); s.innerHTML = hit.snippet; li.appendChild(s); }  // the service escapes snippets
      return li;
    }
    fetchJson(params).then(function (data) {
      status.textContent = "";
      if (data.showing_suggestion && data.suggestion) {  // zero results for the query: the service answered its suggestion
        status.appendChild(document.createTextNode(data.total + " kết quả. Hiển thị kết quả cho “" + data.suggestion + "”; "));
        var exact = new URLSearchParams(params); exact.set("exact", "1"); exact.delete("page");
        status.appendChild(el("a", { href: link(exact) }, "tìm đúng “" + q + "”"));
      } else {
        status.textContent = data.total + " kết quả cho “" + data.query + "”." + (data.message ? " " + data.message : "");
        if (data.suggestion) {
          var p = new URLSearchParams(params); p.set("q", data.suggestion); p.delete("page");
          status.appendChild(document.createTextNode(" Có phải bạn muốn tìm: "));
          status.appendChild(el("a", { href: link(p), class: "search-page__suggestion" }, data.suggestion));
        }
        if (!data.total && !data.suggestion) noResults();
      }
      if (!data.hits.length && data.total && data.page > 1) {  // an old link past the last page: a way back, not a blank
        var first = new URLSearchParams(params); first.delete("page");
        status.appendChild(document.createTextNode(" Trang " + data.page + " không còn kết quả: "));
        status.appendChild(el("a", { href: link(first), class: "search-page__first" }, "về trang 1"));
      }
      results.innerHTML = "";
      results.start = (data.page - 1) * data.per_page + 1;
      data.hits.forEach(function (hit) { results.appendChild(hitItem(hit)); });
      facets.innerHTML = "";
      var any = FILTERS.some(function (f) { return params.get(f); });
      if (any) {
        var clear = new URLSearchParams(params); FILTERS.forEach(function (f) { clear.delete(f); }); clear.delete("page");
        facets.appendChild(el("a", { href: link(clear), class: "search-page__clear" }, "Xóa bộ lọc"));
        filters.querySelector("summary").textContent = "Lọc (" + FILTERS.filter(function (f) { return params.get(f); }).length + ")";
      }
      Object.keys(data.facets || {}).forEach(function (name) {
        if (!data.facets[name].length) return;
        var box = el("section", { class: "search-facet" });
        box.appendChild(el("h2", {}, FACET_LABELS[name] || name));
        var ul = el("ul");
        data.facets[name].forEach(function (f) {
          var p = new URLSearchParams(params); p.delete("page");
          var on = params.get(name) === String(f.value);
          if (on) p.delete(name); else p.set(name, f.value);
          var li = el("li");
          var a = el("a", { href: link(p), class: on ? "is-active" : "" }, (on ? "✓ " : "") + f.value + " (" + f.count + ")");
          if (on) a.setAttribute("aria-current", "true");
          li.appendChild(a); ul.appendChild(li);
        });
        box.appendChild(ul); facets.appendChild(box);
      });
      filters.hidden = !facets.children.length;
      pager(data.page, Math.ceil(data.total / data.per_page));
    }).catch(function (err) {
      if (!err.offline) { status.textContent = err.message || "Lỗi khi tìm kiếm."; status.classList.add("is-error"); return; }
      filters.hidden = true;
      staticSearch(q, 20).then(function (data) {
        status.textContent = data.total + " kết quả cho “" + q + "”. " + STATIC_NOTE;
        if (!data.total) noResults();
        results.innerHTML = "";
        data.hits.forEach(function (hit) { results.appendChild(hitItem(hit)); });
      }).catch(function () {
        status.textContent = "Không tìm được: dịch vụ tìm kiếm không trả lời và trang này không có chỉ mục tĩnh. Hãy duyệt kho theo thời gian, địa bàn, loại văn bản hoặc cơ quan ban hành.";
        status.classList.add("is-error");
      });
    });

    function noResults() {  // nothing found: a way on instead of a dead end
      var any = FILTERS.some(function (f) { return params.get(f); });
      status.appendChild(document.createTextNode(any ? " Thử bỏ bộ lọc, bớt từ, hoặc duyệt kho: " : " Thử bớt từ, hoặc duyệt kho: "));
      [["duyet/thoi-gian/", "theo thời gian"], ["duyet/dia-ban/", "theo địa bàn"], ["duyet/loai/", "theo loại văn bản"], ["duyet/co-quan/", "theo cơ quan ban hành"]].forEach(function (b, i) {
        if (i) status.appendChild(document.createTextNode(" · "));
        status.appendChild(el("a", { href: new URL(b[0], base).href, class: "search-page__browse" }, b[1]));
      });
    }

    function pager(current, last) {  // first, last, and two pages either side of the current one
      pages.innerHTML = "";
      if (last <= 1) return;
      function add(n, label, cls) {
        var p = new URLSearchParams(params); p.set("page", n);
        var a = el("a", { href: link(p), class: cls || "" }, label);
        if (n === current && !cls) { a.className = "is-current"; a.setAttribute("aria-current", "page"); }
        pages.appendChild(a);
      }
      if (current > 1) add(current - 1, "‹ Trước", "is-step");
      var shown = 0;
      for (var n = 1; n <= last; n++) {
        if (n === 1 || n === last || Math.abs(n - current) <= 2) { add(n, String(n)); shown = n; }
        else if (shown === n - 1) pages.appendChild(el("span", { class: "is-gap" }, "…"));
      }
      if (current < last) add(current + 1, "Sau ›", "is-step");
    }
  }

  function citation() {
    var today = document.querySelector(".doc-cite__today");
    if (today) {
      var d = new Date();
      today.textContent = ("0" + d.getDate()).slice(-2) + "/" + ("0" + (d.getMonth() + 1)).slice(-2) + "/" + d.getFullYear();
      today.parentNode.hidden = false;
    }
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      if (button.dataset.bound) return;
      button.dataset.bound = "1";
      button.addEventListener("click", function () {
        var text = document.getElementById(button.getAttribute("data-copy")).textContent.replace(/\s+/g, " ").trim();
        var done = function () { button.textContent = "Đã chép"; setTimeout(function () { button.textContent = "Chép trích dẫn"; }, 2000); };
        if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, function () { button.textContent = "Không chép được"; });
      });
    });
  }

  function start() { headerBox(); resultsPage(); citation(); }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(start); else document.addEventListener("DOMContentLoaded", start);
})();
