// 叫早网站的脚本：适老化（大字模式）开关、公告页的筛选框、键盘能用的页眉按钮。
// 在 <head> 里同步加载（不是内联脚本，内容安全策略只许本站文件）：大字模式在页面画出来之前就生效，不闪一下；
// 其余的等页面读完再做。没有脚本时页面照样能用：名单完整，只是没有筛选框和大字模式。
(function () {
  var KEY = "jiaozao-large";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  root.classList.toggle("jz-large", stored());

  function apply(on) {
    root.classList.toggle("jz-large", on);
    document.querySelectorAll(".jz-large-toggle").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function initToggle() {
    apply(stored());
    document.querySelectorAll(".jz-large-toggle").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = !root.classList.contains("jz-large");
        try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) {}
        apply(on);
        markScrollers();
      });
    });
  }

  // mkdocs-material 的菜单、搜索按钮是 <label>，键盘到不了：让它们能用 Tab 到达、用回车或空格打开
  // （回车由 mkdocs-material 自己处理：它点一下得到焦点的 <label>）。
  function initHeaderButtons() {
    var names = { __drawer: "打开导航菜单", __search: "打开站内搜索" };
    document.querySelectorAll(".md-header label.md-header__button[for]").forEach(function (label) {
      var name = names[label.getAttribute("for")];
      if (!name) { return; }
      var text = document.createElement("span");
      text.className = "jz-sr-only";
      text.textContent = name;
      label.append(text);
      label.tabIndex = 0;
      label.setAttribute("role", "button");
      label.addEventListener("keydown", function (event) {
        if (event.key === " ") {
          event.preventDefault();
          label.click();
        }
      });
    });
  }

  // 手机上放不下、要横向滚动的宽表格：滚动区要能用键盘到达，并以表格标题为名（读屏软件念得出来）。
  function markScrollers() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        var caption = wrap.querySelector("caption");
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "表格");
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  function fold(text) {
    return (text || "").normalize("NFKC").toLowerCase().replace(/[\s\-‐‑–—_·.\/]/g, "");
  }

  // 公告页：按持证单位或证照编号筛选，边输入边筛。分了页的（不超过 MAX_PAGES 页），
  // 第一次输入时把同一窗口其他页的证照也取来，一起筛；取不到（如直接打开的本地文件）就只筛本页。
  var MAX_PAGES = 20;

  function initFilter() {
    var slot = document.querySelector("[data-jz-filter]");
    if (!slot) { return; }
    var container = slot.closest(".jz-notice-rows") || document;
    var entries = [];
    function add(row, elsewhere) {
      var cells = row.cells;
      var key = fold(cells[0].textContent) + "\n" + fold(cells[2] ? cells[2].textContent : "");
      entries.push({ row: row, key: key, elsewhere: elsewhere });
    }
    container.querySelectorAll("tbody tr").forEach(function (row) { add(row, false); });
    var pager = container.querySelector(".jz-pager");
    var pages = pager && /第 (\d+)\/(\d+) 页/.exec(pager.textContent);
    var others = pages && Number(pages[2]) <= MAX_PAGES && window.fetch && window.DOMParser ? "pending" : "none";

    var label = document.createElement("label");
    label.htmlFor = "jz-filter-input";
    label.textContent = pages && others === "none" ? "按持证单位或证照编号筛选本页" : "按持证单位或证照编号筛选";
    var input = document.createElement("input");
    input.id = "jz-filter-input";
    input.type = "search";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.placeholder = "输入单位名称或编号的一部分";
    input.setAttribute("aria-describedby", "jz-filter-status");
    var status = document.createElement("p");
    status.id = "jz-filter-status";
    status.setAttribute("role", "status");
    slot.append(label, input, status);
    slot.hidden = false;

    function loadOthers() {
      others = "loading";
      var heading = document.createElement("h2");
      heading.textContent = "其他页中的证照";
      var table = container.querySelector("table").cloneNode(false);
      table.append(container.querySelector("caption").cloneNode(false), container.querySelector("thead").cloneNode(true));
      table.caption.textContent = "其他页中符合筛选条件的证照";
      var body = table.appendChild(document.createElement("tbody"));
      container.insertBefore(heading, pager);
      container.insertBefore(table, pager);
      var current = Number(pages[1]);
      var requests = [];
      for (var page = 1; page <= Number(pages[2]); page += 1) {
        if (page === current) { continue; }
        requests.push(fetch(page === 1 ? "index.html" : page + ".html").then(function (response) {
          return response.ok ? response.text() : "";
        }).catch(function () { return ""; }));
      }
      Promise.all(requests).then(function (texts) {
        texts.forEach(function (text) {
          var other = new DOMParser().parseFromString(text, "text/html");
          other.querySelectorAll(".jz-notice-rows tbody tr").forEach(function (row) {
            var copy = document.importNode(row, true);
            body.append(copy);
            add(copy, true);
          });
        });
        others = "loaded";
        update();
      });
    }

    function update() {
      var wanted = fold(input.value);
      if (wanted !== "" && others === "pending") { loadOthers(); }
      var shown = 0, total = 0;
      entries.forEach(function (entry) {
        var match = wanted === "" ? !entry.elsewhere : entry.key.indexOf(wanted) !== -1;
        entry.row.hidden = !match;
        if (match) { shown += 1; }
        if (!entry.elsewhere || others === "loaded") { total += 1; }
      });
      container.querySelectorAll("table").forEach(function (table) {
        var any = table.querySelector("tbody tr:not([hidden])") !== null;
        var block = table.closest(".md-typeset__scrollwrap") || table;
        block.hidden = !any;
        var heading = block.previousElementSibling;
        if (heading && heading.tagName === "H2") { heading.hidden = !any; }
      });
      var scope = others === "loaded" ? "本窗口" : pages ? "本页" : "";
      if (wanted === "") {
        status.textContent = scope + "共 " + total + " 张。";
      } else if (shown === 0) {
        status.textContent = scope + "没有持证单位或编号包含“" + input.value.trim() + "”的证照。" +
          (others === "loading" ? "正在查找其他页……" : pages && others !== "loaded" ? "可以翻页再找，或在首页按证照编号查询。" : "");
      } else {
        status.textContent = scope + "找到 " + shown + " 张（共 " + total + " 张）。";
      }
      markScrollers();
    }
    input.addEventListener("input", update);
    update();
  }

  function init() {
    initToggle();
    initHeaderButtons();
    initFilter();
    markScrollers();
    var pending = 0;
    window.addEventListener("load", markScrollers);
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(markScrollers, 200);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
