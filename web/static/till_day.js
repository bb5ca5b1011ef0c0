/* The browser till, part 3 of 3: the cashier's day. Pay-in/pay-out, the X report, refunds
   against a receipt (manager approval, exactly once through the outbox, a credit note),
   reprinting the last receipt, and closing the shift by counting the drawer (Z report). */
(function () {
  "use strict";

  var T = window.Till;
  var tr = T.tr, $ = T.$, $all = T.$all, baht = T.baht;

  // ShiftReport fields shown on screen, in order: [field, Thai, English].
  var REPORT_ROWS = [
    ["sales_count", "จำนวนบิลขาย", "Sales"],
    ["gross_satang", "ยอดขายก่อนส่วนลด", "Gross sales"],
    ["discount_satang", "ส่วนลด", "Discounts"],
    ["sales_satang", "ยอดขาย", "Sales total"],
    ["refunds_count", "จำนวนการคืนเงิน", "Refunds"],
    ["refunds_satang", "ยอดคืนเงิน", "Refunded"],
    ["net_satang", "ยอดขายสุทธิ", "Net sales"],
    ["vat_included_satang", "ภาษีมูลค่าเพิ่มที่รวมอยู่", "VAT included"],
    ["cash_satang", "รับชำระเงินสด", "Paid in cash"],
    ["promptpay_satang", "รับชำระพร้อมเพย์", "Paid by PromptPay"],
    ["pending_sales", "บิลรอชำระ", "Sales awaiting payment"],
    ["voided_sales", "บิลที่ยกเลิก", "Voided sales"],
    ["opening_float_satang", "เงินทอนตั้งต้น", "Opening float"],
    ["cash_taken_satang", "รับเงินสดมา", "Cash taken"],
    ["change_given_satang", "เงินทอนที่จ่าย", "Change given"],
    ["pay_ins_satang", "นำเงินเข้า", "Pay-ins"],
    ["pay_outs_satang", "นำเงินออก", "Pay-outs"],
    ["cash_refunds_satang", "คืนเงินสด", "Cash refunds"],
    ["transfer_refunds_satang", "โอนคืน", "Refunds by transfer"],
    ["expected_cash_satang", "เงินสดที่ควรมีในลิ้นชัก", "Expected cash in the drawer"],
    ["counted_cash_satang", "เงินสดที่นับได้", "Counted cash"],
    ["difference_satang", "ผลต่าง", "Difference"]
  ];

  function shiftId() { return T.state.shift && T.state.shift.id; }

  /* --- the menu -------------------------------------------------------------------------------- */
  T.openMenu = function () {
    if (T.isBusy()) return;
    var box = T.openDialog("menu");
    var shift = T.state.shift;
    $("[data-menu-shift]", box).textContent = T.state.till ? T.state.till.code + (shift ? " · " + tr("กะ #", "shift #") + shift.id : "") : "";
    $("[data-auto-print]", box).checked = T.autoPrint();
    var own = T.shiftUsable();
    ["pay_in", "pay_out", "x", "close", "refund"].forEach(function (name) { $("[data-menu=" + name + "]", box).disabled = !own; });
    $("[data-menu=reprint]", box).disabled = !T.lastSale();
    $("[data-menu=refund]", box).focus();
  };

  var ACTIONS = {
    refund: function () { openRefund(); },
    reprint: function () {
      var last = T.lastSale();
      if (last) T.print("/api/v1/sales/" + last.sale_id + "/receipt?copy=1");
    },
    pay_in: function () { openMovement("pay_in"); },
    pay_out: function () { openMovement("pay_out"); },
    x: function () { showReport(false); },
    close: function () { openClose(); },
    reload: function () {
      T.reloadCatalogue().then(function () { T.message(tr("โหลดรายการสินค้าใหม่แล้ว", "Catalogue reloaded"), "ok"); }, function (e) { T.message(e.message); });
    },
    till: function () {
      if (T.lines().length) { T.message(tr("ขายรายการนี้ให้เสร็จก่อนเปลี่ยนเครื่อง", "Finish this sale before changing till")); return; }
      T.chooseTill();
    }
  };

  /* --- pay-in / pay-out -------------------------------------------------------------------- */
  function openMovement(kind) {
    var box = T.openDialog("movement");
    var form = $("[data-movement-form]", box);
    form.reset();
    form.dataset.kind = kind;
    $("[data-movement-title]", box).textContent = kind === "pay_in" ? tr("นำเงินเข้าลิ้นชัก", "Pay in") : tr("นำเงินออกจากลิ้นชัก", "Pay out");
    $("[name=amount]", form).focus();
  }

  function bindMovement() {
    var box = T.dialog("movement");
    var form = $("[data-movement-form]", box);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var amount = T.parseBaht($("[name=amount]", form).value);
      var reason = $("[name=reason]", form).value.trim();
      if (!(amount > 0)) { T.showError(box, new Error(tr("ใส่จำนวนเงิน เช่น 500", "Enter an amount, e.g. 500"))); return; }
      if (!reason) { T.showError(box, new Error(tr("ใส่เหตุผล", "Give a reason"))); return; }
      var kind = form.dataset.kind;
      T.apiOk("POST", "/api/v1/shifts/" + shiftId() + "/cash-movements", { kind: kind, amount_satang: amount, reason: reason }).then(function () {
        T.closeDialog("movement");
        T.message((kind === "pay_in" ? tr("นำเงินเข้าแล้ว ", "Paid in ") : tr("นำเงินออกแล้ว ", "Paid out ")) + baht(amount), "ok");
      }, function (error) { T.showError(box, error); });
    });
  }

  /* --- X and Z reports --------------------------------------------------------------------- */
  var reportShown = { id: null, afterClose: null };

  function differenceClass(d) { return d === 0 ? "positive" : d < 0 ? "negative" : "over"; }

  /* The figures a cashier looks at first: expected cash, counted, the difference. */
  function fillKey(list, report) {
    list.textContent = "";
    var key = [["expected_cash_satang", "เงินสดที่ควรมี", "Expected cash"], ["counted_cash_satang", "นับได้", "Counted"],
      ["difference_satang", "ผลต่าง", "Difference"]];
    if (report.counted_cash_satang == null) key = [["net_satang", "ยอดขายสุทธิ", "Net sales"], ["sales_count", "จำนวนบิล", "Sales"], key[0]];
    key.forEach(function (k) {
      var value = report[k[0]];
      var div = document.createElement("div");
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = tr(k[1], k[2]);
      dd.textContent = /_satang$/.test(k[0]) ? (k[0] === "difference_satang" && value > 0 ? "+" : "") + baht(value) : String(value);
      if (k[0] === "difference_satang") dd.className = differenceClass(value);
      div.appendChild(dt);
      div.appendChild(dd);
      list.appendChild(div);
    });
  }

  function fillReport(list, report) {
    list.textContent = "";
    REPORT_ROWS.forEach(function (row) {
      var value = report[row[0]];
      if (value === undefined || value === null) return;
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = tr(row[1], row[2]);
      dd.textContent = /_satang$/.test(row[0]) ? baht(value) : String(value);
      if (row[0] === "difference_satang") dd.className = differenceClass(value);
      if (row[0] === "expected_cash_satang" || row[0] === "net_satang") { dt.className = dd.className = "strong"; }
      list.appendChild(dt);
      list.appendChild(dd);
    });
  }

  function showReport(isClose, report) {
    var id = report ? report.shift_id : shiftId();
    var box = T.openDialog("report");
    var list = $("[data-report]", box);
    reportShown.id = id;
    function show(r) {
      $("[data-report-title]", box).textContent = r.z_number ? tr("รายงาน Z ", "Z report ") + r.z_number : tr("รายงาน X (ระหว่างกะ) · กะ #", "X report (shift open) · shift #") + r.shift_id;
      fillKey($("[data-report-key]", box), r);
      fillReport(list, r);
      if (isClose) T.print("/api/v1/shifts/" + id + "/report.html");
    }
    if (report) return show(report);
    list.textContent = "…";
    $("[data-report-key]", box).textContent = "";
    T.apiOk("GET", "/api/v1/shifts/" + id + "/report").then(show, function (error) { list.textContent = ""; T.showError(box, error); });
  }

  /* --- close the shift -------------------------------------------------------------------- */
  var closeState = { expected: null, denoms: null };

  function openClose() {
    var box = T.openDialog("close");
    var form = $("[data-close-form]", box);
    form.reset();
    closeState.denoms.reset();
    closeState.expected = null;
    $("[data-close-expected]", box).textContent = "…";
    updateDifference();
    $("[name=counted]", form).focus();
    T.apiOk("GET", "/api/v1/shifts/" + shiftId() + "/report").then(function (report) {
      closeState.expected = report.expected_cash_satang;
      $("[data-close-expected]", box).textContent = baht(report.expected_cash_satang);
      if (report.pending_sales) T.showError(box, new Error(tr("มีบิลรอชำระ ", "Pending sales: ") + report.pending_sales + tr(" รายการ: ยืนยันหรือยกเลิกก่อนปิดกะ", " — confirm or cancel them before closing")));
      updateDifference();
    }, function (error) { T.showError(box, error); });
  }

  function counted(form) {
    var value = T.parseBaht($("[name=counted]", form).value);
    return value === undefined ? null : value;
  }

  function updateDifference() {
    var box = T.dialog("close");
    var form = $("[data-close-form]", box);
    var value = counted(form);
    $("[data-close-counted]", box).textContent = value == null ? "—" : baht(value);
    var diff = $("[data-close-difference]", box);
    if (value == null || closeState.expected == null) { diff.textContent = "—"; diff.className = ""; return; }
    var d = value - closeState.expected;
    diff.textContent = (d > 0 ? "+" : "") + baht(d) + (d === 0 ? " ✓" : d < 0 ? tr(" (ขาด)", " (short)") : tr(" (เกิน)", " (over)"));
    diff.className = differenceClass(d);
  }

  function bindClose() {
    var box = T.dialog("close");
    var form = $("[data-close-form]", box);
    var input = $("[name=counted]", form);
    closeState.denoms = T.denominations($("[data-denoms]", form), function (total) {
      input.value = total ? baht(total).replace(/,/g, "") : "";
      updateDifference();
    });
    input.addEventListener("input", updateDifference);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = counted(form);
      if (value == null) { T.showError(box, new Error(tr("ใส่เงินสดที่นับได้ (0 ได้)", "Enter the counted cash (0 is allowed)"))); input.select(); return; }
      var body = { counted_satang: value };
      if (closeState.denoms.used()) body.denominations = closeState.denoms.counts();
      var id = shiftId();
      T.apiOk("POST", "/api/v1/shifts/" + id + "/close", body).then(function (report) {
        T.closeDialog("close");
        T.hideDone();
        T.setShift(null);
        reportShown.afterClose = true;
        showReport(true, report);
      }, function (error) { T.showError(box, error); });
    });
  }

  function bindReport() {
    var box = T.dialog("report");
    $("[data-report-print]", box).addEventListener("click", function () {
      if (reportShown.id) T.print("/api/v1/shifts/" + reportShown.id + "/report.html");
    });
    box.addEventListener("close", function () {
      if (reportShown.afterClose) { reportShown.afterClose = null; T.openShiftDialog(); }
    });
  }

  /* --- refunds ------------------------------------------------------------------------------ */
  var refund = { sale: null, result: null };

  function openRefund() {
    var box = T.openDialog("refund");
    refund.sale = null;
    refund.result = null;
    $("[data-refund-find]", box).reset();
    $("[data-refund-form]", box).hidden = true;
    $("[data-refund-done]", box).hidden = true;
    $("[data-refund-submit]", box).hidden = true;
    $("[data-refund-print]", box).hidden = true;
    $("[data-refund-reprint]", box).hidden = true;
    $("[data-refund-find] [name=receipt]", box).focus();
  }

  function refundable(line) { return line.quantity - (line.refunded_quantity || 0); }

  /* What a line's refund comes to, for the screen (the server computes the real amount). */
  function estimate(line, quantity) {
    return quantity === refundable(line) && !line.refunded_quantity ? line.line_total_satang
      : Math.floor((2 * line.line_total_satang * quantity + line.quantity) / (2 * line.quantity));
  }

  function showSale(sale) {
    var box = T.dialog("refund");
    refund.sale = sale;
    $("[data-refund-sale]", box).textContent = sale.receipt_number + " · " + T.bangkokTime(sale.completed_at || sale.created_at, true) +
      " · " + tr("ยอด ", "total ") + baht(sale.total_satang) + " · " + sale.payments.map(function (p) { return p.method === "cash" ? tr("เงินสด", "cash") : "PromptPay"; }).join(" + ");
    var body = $("[data-refund-lines]", box);
    body.textContent = "";
    sale.lines.forEach(function (line) {
      var tr_ = document.createElement("tr");
      tr_.innerHTML = '<td><span></span><br><small class="muted"></small></td><td class="num"></td><td class="num"></td>' +
        '<td class="num"><input class="qty" inputmode="numeric" autocomplete="off" value="0"></td><td class="num" data-estimate>0.00</td>';
      tr_.children[0].children[0].textContent = T.thai ? line.name_th : line.name_en || line.name_th;
      tr_.children[0].children[2].textContent = baht(line.line_total_satang) + " · " + line.sku;
      tr_.children[1].textContent = line.quantity;
      tr_.children[2].textContent = line.refunded_quantity || 0;
      var input = tr_.children[3].children[0];
      input.dataset.line = line.line_no;
      input.disabled = refundable(line) <= 0;
      input.setAttribute("aria-label", tr("จำนวนที่คืน ", "Quantity to refund ") + line.name_th);
      body.appendChild(tr_);
    });
    $("[data-refund-form]", box).hidden = false;
    $("[data-refund-submit]", box).hidden = sale.status !== "completed";
    $("[data-refund-reprint]", box).hidden = sale.status !== "completed";
    if (sale.status !== "completed") T.showError(box, new Error(tr("บิลนี้ยังไม่เสร็จสมบูรณ์ คืนเงินไม่ได้", "This sale is not completed: nothing to refund")));
    updateRefundTotal();
    var first = $("[data-refund-lines] input:not([disabled])", box);
    if (first) first.select();
  }

  function chosenLines() {
    var box = T.dialog("refund");
    var out = [];
    var problem = null;
    $all("[data-refund-lines] input", box).forEach(function (input) {
      var line = refund.sale.lines.filter(function (l) { return l.line_no === Number(input.dataset.line); })[0];
      var text = T.asciiDigits(input.value.trim());
      var quantity = text === "" ? 0 : /^\d{1,6}$/.test(text) ? Number(text) : NaN;
      var row = input.closest("tr");
      if (!(quantity >= 0 && quantity <= refundable(line))) {
        problem = tr("จำนวนคืนของ ", "The quantity for ") + line.name_th + tr(" ต้องอยู่ระหว่าง 0 ถึง ", " must be 0 to ") + refundable(line);
        row.classList.add("bad");
        return;
      }
      row.classList.remove("bad");
      $("[data-estimate]", row).textContent = baht(quantity ? estimate(line, quantity) : 0);
      if (quantity) out.push({ line: line, quantity: quantity });
    });
    return { lines: out, problem: problem };
  }

  function updateRefundTotal() {
    var chosen = chosenLines();
    var total = chosen.lines.reduce(function (sum, c) { return sum + estimate(c.line, c.quantity); }, 0);
    $("[data-refund-total]", T.dialog("refund")).textContent = baht(total);
  }

  function submitRefund() {
    var box = T.dialog("refund");
    var form = $("[data-refund-form]", box);
    var chosen = chosenLines();
    if (chosen.problem) { T.showError(box, new Error(chosen.problem)); return; }
    if (!chosen.lines.length) { T.showError(box, new Error(tr("เลือกจำนวนที่จะคืนอย่างน้อยหนึ่งรายการ", "Choose a quantity to refund on at least one line"))); return; }
    var reason = $("[name=reason]", form).value.trim();
    if (!reason) { T.showError(box, new Error(tr("ใส่เหตุผลการคืน", "Give the reason for the refund"))); $("[name=reason]", form).focus(); return; }
    var body = {
      sale_id: refund.sale.id,
      till_id: T.state.till.id,
      lines: chosen.lines.map(function (c) { return { line_no: c.line.line_no, quantity: c.quantity }; }),
      restock: $("[name=restock]:checked", form).value === "1",
      method: $("[name=method]:checked", form).value,
      reason: reason
    };
    var total = chosen.lines.reduce(function (sum, c) { return sum + estimate(c.line, c.quantity); }, 0);
    var approval = T.config.user.role === "cashier"
      ? T.approve("refund", tr("คืนเงิน ", "Refund of ") + baht(total) + tr(" บาท ตามใบเสร็จ ", " baht against ") + refund.sale.receipt_number)
      : Promise.resolve(null);
    approval.then(function (token) {
      if (token) body.approval_token = token.approval_token;
      T.closeDialog("refund");
      return T.enqueue("refund", "/api/v1/refunds", body, {
        restock: body.restock, approver: token ? token.approver_name : null,
        chosen: chosen.lines.map(function (c) { return [c.line.product_id, c.quantity]; })
      });
    }, function () {
      T.showError(box, new Error(tr("การคืนเงินต้องให้ผู้จัดการอนุมัติ", "A manager must approve the refund")));
    });
  }

  T.outboxHandlers.refund = function (answer, entry) {
    var box = T.openDialog("refund");
    $("[data-refund-find]", box).hidden = false;
    if (!answer.ok) {
      if (refund.sale) $("[data-refund-form]", box).hidden = false;
      T.showError(box, new T.ApiError(answer));
      return;
    }
    var result = answer.body;
    refund.result = result;
    if (entry.restock && entry.chosen) {
      entry.chosen.forEach(function (c) { var p = T.productById(c[0]); if (p) p.on_hand += c[1]; });
    }
    $("[data-refund-form]", box).hidden = true;
    $("[data-refund-submit]", box).hidden = true;
    $("[data-refund-reprint]", box).hidden = true;
    var done = $("[data-refund-done]", box);
    done.hidden = false;
    done.textContent = "";
    var title = document.createElement("p");
    title.className = "refund-done-title";
    title.textContent = "✓ " + tr("คืนเงินแล้ว ", "Refunded ") + baht(result.total_satang) + " · " + result.credit_note_number;
    var detail = document.createElement("p");
    detail.textContent = (result.method === "cash" ? tr("คืนเป็นเงินสดจากลิ้นชัก", "Cash from the drawer") : tr("โอนคืนลูกค้า", "Transfer to the customer")) +
      " · " + (result.restock ? tr("สินค้ากลับเข้าสต็อก", "back into stock") : tr("ตัดเป็นของเสีย", "written off")) +
      (entry.approver ? " · " + tr("อนุมัติโดย ", "approved by ") + entry.approver : "");
    done.appendChild(title);
    done.appendChild(detail);
    $("[data-refund-print]", box).hidden = false;
    T.print("/api/v1/refunds/" + result.id + "/credit-note");
  };

  function bindRefund() {
    var box = T.dialog("refund");
    var find = $("[data-refund-find]", box);
    find.addEventListener("submit", function (event) {
      event.preventDefault();
      var number = $("[name=receipt]", find).value.trim().toUpperCase();
      if (!number) return;
      T.showError(box, null);
      $("[data-refund-done]", box).hidden = true;
      $("[data-refund-print]", box).hidden = true;
      T.apiOk("GET", "/api/v1/sales?receipt_number=" + encodeURIComponent(number)).then(function (sales) {
        if (!sales.length) {
          $("[data-refund-form]", box).hidden = true;
          T.showError(box, new Error(tr("ไม่พบใบเสร็จ ", "No receipt ") + number));
          $("[name=receipt]", find).select();
          return;
        }
        showSale(sales[0]);
      }, function (error) { T.showError(box, error); });
    });
    $("[data-refund-form]", box).addEventListener("input", updateRefundTotal);
    $("[data-refund-form]", box).addEventListener("submit", function (event) { event.preventDefault(); submitRefund(); });
    $("[data-refund-submit]", box).addEventListener("click", submitRefund);
    $("[data-refund-print]", box).addEventListener("click", function () {
      if (refund.result) T.print("/api/v1/refunds/" + refund.result.id + "/credit-note");
    });
    $("[data-refund-reprint]", box).addEventListener("click", function () {
      if (refund.sale) T.print("/api/v1/sales/" + refund.sale.id + "/receipt?copy=1");
    });
  }

  T.bindDay = function () {
    var menu = T.dialog("menu");
    $("[data-open-menu]").addEventListener("click", T.openMenu);
    $all("[data-menu]", menu).forEach(function (button) {
      button.addEventListener("click", function () {
        T.closeDialog("menu");
        ACTIONS[button.dataset.menu]();
      });
    });
    $("[data-auto-print]", menu).addEventListener("change", function (event) { T.setAutoPrint(event.target.checked); });
    bindMovement();
    bindClose();
    bindReport();
    bindRefund();
  };
})();
