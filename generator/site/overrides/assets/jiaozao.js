// 适老化：大字号、高对比度显示，记在本机（localStorage），所有页面生效。
(function () {
  var KEY = "jiaozao-large";
  function apply(on) {
    document.documentElement.classList.toggle("jz-large", on);
    document.querySelectorAll(".jz-large-toggle").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "标准模式" : "大字模式";
    });
  }
  function stored() {
    try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function init() {
    apply(stored());
    document.querySelectorAll(".jz-large-toggle").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = !document.documentElement.classList.contains("jz-large");
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
