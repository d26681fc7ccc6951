// Behaviour the replica panels share; each page passes its own selectors, so their markup can differ like
// real portals' does.
"use strict";

const Portal = {
  cfg: null,

  // cfg: {row, error, banner} — the class of a field's container, of its error text, and of the page banner.
  init(cfg) { this.cfg = cfg; },

  banner(message) {
    const el = document.querySelector(this.cfg.banner);
    el.textContent = message;
    el.hidden = !message;
  },

  fieldError(input, message) {
    const row = input.closest(this.cfg.row);
    const el = row.querySelector(this.cfg.error);
    el.textContent = message || "";
    el.hidden = !message;
    if (this.cfg.rowErrorClass) row.classList.toggle(this.cfg.rowErrorClass, !!message);
    return !message;
  },

  clearErrors(scope) {
    scope.querySelectorAll(this.cfg.error).forEach((el) => { el.textContent = ""; el.hidden = true; });
    this.banner("");
  },

  async call(url, options) {
    const response = await fetch(url, options);
    let data = {};
    try { data = await response.json(); } catch (e) { data = {error: "Unexpected answer from server"}; }
    return {ok: response.ok, status: response.status, data};
  },

  postJson(url, body) {
    return this.call(url, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  },

  // Phone + OTP sign-in: ids of the phone box, send button, OTP block, OTP box and verify button.
  login(ids) {
    const $ = (id) => document.getElementById(id);
    $(ids.send).addEventListener("click", async () => {
      const answer = await this.postJson("/api/otp/send", {phone: $(ids.phone).value.trim()});
      if (!answer.ok) return this.fieldError($(ids.phone), answer.data.error);
      this.fieldError($(ids.phone), "");
      $(ids.block).hidden = false;
      $(ids.otp).focus();
    });
    $(ids.verify).addEventListener("click", async () => {
      const answer = await this.postJson("/api/otp/verify", {phone: $(ids.phone).value.trim(), otp: $(ids.otp).value.trim()});
      if (!answer.ok) return this.fieldError($(ids.otp), answer.data.error);
      const next = new URLSearchParams(location.search).get("next");
      location.href = next || answer.data.next;
    });
  },

  // A multi-step form: sections in order; buttons with data-action="next" validate their section and move on,
  // data-action="submit" validates and calls submit(). validators[i]() returns true when section i is fine.
  wizard(sections, validators, submit) {
    const show = (i) => sections.forEach((s, j) => { s.hidden = i !== j; });
    show(0);
    sections.forEach((section, i) => {
      section.querySelectorAll("[data-action]").forEach((button) => {
        button.addEventListener("click", async () => {
          this.clearErrors(section);
          if (!validators[i]()) return;
          if (button.dataset.action === "next") return show(i + 1);
          button.disabled = true;
          try { await submit(); } finally { button.disabled = false; }
        });
      });
    });
  },

  // Thumbnails for chosen photos; refuses anything that is not an image.
  previews(input, box, tileClass) {
    input.addEventListener("change", () => {
      box.innerHTML = "";
      const files = Array.from(input.files);
      const bad = files.find((f) => !f.type.startsWith("image/") || f.size === 0);
      if (bad) return this.fieldError(input, `${bad.name} is not a JPG or PNG image`);
      this.fieldError(input, "");
      files.forEach((f) => {
        const tile = document.createElement("div");
        tile.className = tileClass;
        tile.textContent = f.name;
        box.appendChild(tile);
      });
    });
  },

  formData(values, input, prefix) {
    const data = new FormData();
    Object.entries(values).forEach(([k, v]) => data.append(k, v));
    Array.from(input.files).forEach((f, i) => data.append(`${prefix}${i}`, f, f.name));
    return data;
  },

  // Sends the product; shows the portal's banner or field errors, or calls done(answer) on success.
  async send(url, data, fieldsByName, done) {
    const answer = await this.call(url, {method: "POST", body: data});
    if (answer.status === 401) return this.banner(answer.data.error);
    if (!answer.ok && answer.data.field && fieldsByName[answer.data.field]) {
      return this.fieldError(fieldsByName[answer.data.field], answer.data.error);
    }
    if (!answer.ok) return this.banner(answer.data.error);
    done(answer.data);
  },

  // Row actions on a catalog: a dialog with inputs, a save button, a toast when the portal took it.
  rowDialog(opener, idAttr, dialog, save, toast, url, inputs) {
    let current = null;
    document.querySelectorAll(opener).forEach((button) => button.addEventListener("click", () => {
      current = button.closest(`[${idAttr}]`).getAttribute(idAttr);
      dialog.hidden = false;
    }));
    save.addEventListener("click", async () => {
      const body = {};
      Object.entries(inputs).forEach(([k, el]) => { body[k] = el.value.trim(); });
      const answer = await this.postJson(url(current), body);
      if (!answer.ok) return this.banner(answer.data.error);
      dialog.hidden = true;
      document.querySelector(toast).hidden = false;
    });
  },
};
