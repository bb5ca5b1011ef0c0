/* The aging page: the "apply markdowns due today" button posts to the markdowns API and
   shows what changed, then reloads the lists. */
import "./page.js";
import { apiOk, showError, tr } from "./shared.js";

var button = document.querySelector("[data-apply-markdowns]");
var result = document.querySelector("[data-apply-result]");
var problem = document.querySelector("[data-apply-error]");

if (button) {
  button.addEventListener("click", function () {
    button.disabled = true;
    showError(problem, null);
    apiOk("POST", "/api/v1/markdowns/apply").then(function (run) {
      var n = run.applied.length;
      result.textContent = n
        ? tr("ลดราคาแล้ว {n} รายการ").replace("{n}", n)
        : tr("ไม่มีรายการที่ต้องลดราคาเพิ่ม");
      result.hidden = false;
      if (n) setTimeout(function () { window.location.reload(); }, 800);
    }).catch(function (error) {
      showError(problem, error);
    }).finally(function () {
      button.disabled = false;
    });
  });
}
