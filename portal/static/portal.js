// 叫早 查询门户：适老化（大字模式）开关。本站文件，不是内联脚本（内容安全策略只许 script-src 'self'）。
// 在 <head> 里同步加载：选择记在本机（和网站共用一个键），画出页面之前就生效，不闪一下。
(function () {
  var KEY = "jiaozao-large";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function apply(on) {
    root.classList.toggle("jz-large", on);
    document.querySelectorAll(".large-toggle").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  root.classList.add("js");
  apply(stored());

  function init() {
    apply(stored());
    document.querySelectorAll(".large-toggle").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = !root.classList.contains("jz-large");
        try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) {}
        apply(on);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
