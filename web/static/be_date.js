/* Date fields in the Buddhist era, as Thai staff write dates: <input data-be-date> (the
   _date.html macro) takes "7/12/2569", "07-12-69", "7 ธ.ค. 2569" or ISO "2026-12-07", shows it
   back as 07/12/2569, and opens a small calendar (Buddhist years, Thai month names). The
   server reads the same forms (kernel/dates.py): this module only helps, it decides nothing.
   An ES module with no imports, so that any page (and node's tests) can load it. */

export const BUDDHIST_OFFSET = 543;
const BE_FROM = 2400;
const FIRST_YEAR_CE = 1957;
const LAST_YEAR_CE = 2299;
const THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";

const en = typeof document !== "undefined" && document.documentElement.lang === "en";
export const MONTHS = en
  ? ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
  : ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
const WEEKDAYS = en ? ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"] : ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"];
const NAMES = [
  ["ม.ค.", "มกราคม", "มกรา", "jan", "january"],
  ["ก.พ.", "กุมภาพันธ์", "กุมภา", "feb", "february"],
  ["มี.ค.", "มีนาคม", "มีนา", "mar", "march"],
  ["เม.ย.", "เมษายน", "เมษา", "apr", "april"],
  ["พ.ค.", "พฤษภาคม", "พฤษภา", "may"],
  ["มิ.ย.", "มิถุนายน", "มิถุนา", "jun", "june"],
  ["ก.ค.", "กรกฎาคม", "กรกฎา", "jul", "july"],
  ["ส.ค.", "สิงหาคม", "สิงหา", "aug", "august"],
  ["ก.ย.", "กันยายน", "กันยา", "sep", "sept", "september"],
  ["ต.ค.", "ตุลาคม", "ตุลา", "oct", "october"],
  ["พ.ย.", "พฤศจิกายน", "พฤศจิกา", "nov", "november"],
  ["ธ.ค.", "ธันวาคม", "ธันวา", "dec", "december"]
];
const MONTH_OF = new Map();
NAMES.forEach((names, i) => names.forEach((n) => MONTH_OF.set(n.replace(/\./g, ""), i + 1)));

function yearCe(text) {
  const year = Number(text);
  if (text.length === 2) return 2500 + year - BUDDHIST_OFFSET;
  return year >= BE_FROM ? year - BUDDHIST_OFFSET : year;
}

/** The date typed, as {year (CE), month, day}, or null (kernel.dates.parse_date's rules). */
export function parseDate(text) {
  const value = String(text || "").replace(/[๐-๙]/g, (d) => String(THAI_DIGITS.indexOf(d))).trim().replace(/\s+/g, " ");
  let found, fields = null;
  if ((found = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value))) {
    fields = [yearCe(found[1]), Number(found[2]), Number(found[3])];
  } else if ((found = /^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$/.exec(value))) {
    fields = [yearCe(found[3]), Number(found[2]), Number(found[1])];
  } else if ((found = /^(\d{1,2})\s*([^\d\s]+)\s*(\d{2}|\d{4})$/.exec(value))) {
    const month = MONTH_OF.get(found[2].toLowerCase().replace(/\./g, ""));
    if (month) fields = [yearCe(found[3]), month, Number(found[1])];
  }
  if (!fields) return null;
  const [year, month, day] = fields;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  if (year < FIRST_YEAR_CE || year > LAST_YEAR_CE) return null;
  return { year, month, day };
}

/** {year, month, day} as the field shows it: 07/12/2569. */
export function beText(d) {
  return String(d.day).padStart(2, "0") + "/" + String(d.month).padStart(2, "0") + "/" + (d.year + BUDDHIST_OFFSET);
}

function todayInBangkok() {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Bangkok", year: "numeric", month: "numeric", day: "numeric"
  }).formatToParts(new Date()).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const INVALID = en
  ? "Not a date: write dd/mm/yyyy in the Buddhist era, e.g. 07/12/2569"
  : "วันที่ไม่ถูกต้อง: พิมพ์ วว/ดด/ปปปป (พ.ศ.) เช่น 07/12/2569";

/** Tidies the field to 07/12/2569 when it reads as a date; says so when it does not. */
function check(input, message) {
  const text = input.value.trim();
  if (!text) {
    input.removeAttribute("aria-invalid");
    message.hidden = true;
    return true;
  }
  const found = parseDate(text);
  if (found) {
    input.value = beText(found);
    input.removeAttribute("aria-invalid");
    message.hidden = true;
    return true;
  }
  input.setAttribute("aria-invalid", "true");
  message.hidden = false;
  return false;
}

function calendar(input, box) {
  const panel = element("div", "be-calendar");
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", en ? "Calendar" : "ปฏิทิน");
  let shown = null;

  function draw() {
    panel.replaceChildren();
    const head = element("div", "be-calendar-head");
    const back = element("button", "be-calendar-step", "‹");
    back.type = "button";
    back.setAttribute("aria-label", en ? "Previous month" : "เดือนก่อน");
    const next = element("button", "be-calendar-step", "›");
    next.type = "button";
    next.setAttribute("aria-label", en ? "Next month" : "เดือนถัดไป");
    const title = element("strong", "be-calendar-title", MONTHS[shown.month - 1] + " " + (shown.year + BUDDHIST_OFFSET));
    back.addEventListener("click", () => { shown = shown.month === 1 ? { year: shown.year - 1, month: 12 } : { year: shown.year, month: shown.month - 1 }; draw(); });
    next.addEventListener("click", () => { shown = shown.month === 12 ? { year: shown.year + 1, month: 1 } : { year: shown.year, month: shown.month + 1 }; draw(); });
    head.append(back, title, next);
    const grid = element("div", "be-calendar-grid");
    WEEKDAYS.forEach((w) => grid.append(element("span", "be-calendar-weekday", w)));
    const first = new Date(Date.UTC(shown.year, shown.month - 1, 1)).getUTCDay();
    const days = new Date(Date.UTC(shown.year, shown.month, 0)).getUTCDate();
    for (let i = 0; i < first; i += 1) grid.append(element("span", "be-calendar-blank"));
    const chosen = parseDate(input.value);
    const today = todayInBangkok();
    for (let day = 1; day <= days; day += 1) {
      const button = element("button", "be-calendar-day", String(day));
      button.type = "button";
      button.dataset.day = String(day);
      const that = { year: shown.year, month: shown.month, day };
      if (chosen && chosen.year === that.year && chosen.month === that.month && chosen.day === day) button.classList.add("chosen");
      if (today.year === that.year && today.month === that.month && today.day === day) button.classList.add("today");
      button.addEventListener("click", () => {
        input.value = beText(that);
        input.dispatchEvent(new Event("change", { bubbles: true }));
        close();
        input.focus();
      });
      grid.append(button);
    }
    panel.append(head, grid);
  }
  function open() {
    const chosen = parseDate(input.value) || todayInBangkok();
    shown = { year: chosen.year, month: chosen.month };
    draw();
    panel.hidden = false;
  }
  function close() { panel.hidden = true; }

  // Words, not an emoji: a till's browser may have no emoji font (it would show a box).
  const toggle = element("button", "be-date-open", en ? "Calendar" : "ปฏิทิน");
  toggle.type = "button";
  toggle.setAttribute("aria-label", en ? "Choose a date" : "เลือกวันที่จากปฏิทิน");
  toggle.addEventListener("click", () => (panel.hidden ? open() : close()));
  panel.addEventListener("keydown", (event) => { if (event.key === "Escape") { close(); input.focus(); } });
  document.addEventListener("click", (event) => { if (!box.contains(event.target)) close(); });
  box.append(toggle, panel);
}

/** Gives every date field on the page its behaviour (once). */
export function enhance(root) {
  root.querySelectorAll("input[data-be-date]").forEach((input) => {
    if (input.dataset.beDateReady) return;
    input.dataset.beDateReady = "1";
    const box = input.closest(".be-date") || input.parentElement;
    const message = element("span", "be-date-error", INVALID);
    message.hidden = true;
    message.setAttribute("role", "alert");
    box.after(message);
    input.addEventListener("blur", () => check(input, message));
    input.addEventListener("change", () => check(input, message));
    calendar(input, box);
    const form = input.form;
    if (form && !form.dataset.beDateChecked) {
      form.dataset.beDateChecked = "1";
      form.addEventListener("submit", (event) => {
        const bad = [...form.querySelectorAll("input[data-be-date]")].filter((field) => {
          const note = field.closest("label").querySelector(".be-date-error") || message;
          return !check(field, note);
        });
        if (bad.length) {
          event.preventDefault();
          bad[0].focus();
        }
      });
    }
  });
}

if (typeof document !== "undefined") enhance(document);
