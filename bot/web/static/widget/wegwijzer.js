/*
 * Wegwijzer Jeugdhulp – chat widget for a municipality's website (and the professional chat page).
 *
 * Embed with one script tag; everything (script, styles, socket.io client) comes from the
 * project's own web process, nothing from a CDN, no tracking:
 *
 *   <script src="https://wegwijzer.example/widget/wegwijzer.js" defer
 *           data-server="https://bot.wegwijzer.example"   (the Rasa server: socket.io)
 *           data-municipality="Leiden"                     (optional: told to the bot as metadata)
 *           data-color="#00457c" data-position="right"     (optional: brand colour, left|right)
 *           data-mode="professional" data-role="gp"></script>  (optional: GP practice / school chat)
 *
 * The conversation is kept in this browser tab (sessionStorage) so a reload keeps it;
 * "Gesprek wissen" deletes it from the server and from the browser.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var assetBase = new URL(".", script.src).href;            // .../widget/
  var webBase = new URL("..", assetBase).href;              // the web process
  var config = {
    server: script.dataset.server || "http://127.0.0.1:5005",
    municipality: script.dataset.municipality || "",
    color: /^#[0-9a-fA-F]{6}$/.test(script.dataset.color || "") ? script.dataset.color : "#00457c",
    position: script.dataset.position === "left" ? "left" : "right",
    mode: script.dataset.mode === "professional" ? "professional" : "public",
    role: ["gp", "school"].indexOf(script.dataset.role) >= 0 ? script.dataset.role : "",
    open: script.dataset.open === "true"
  };
  var STORE_KEY = "wegwijzer:" + config.server + ":" + config.mode;
  var EMERGENCY = /(\b112\b|0800-2000|0800-0113|0800-0432|\b113\b(?!\.\w))/g;
  // Full links, and bare Dutch web addresses ("113.nl", "www.opvoeden.nl"), which open as https.
  var URL_PATTERN = /(https?:\/\/[^\s<>"')]+[^\s<>"'.,;:!?)]|(?<![@\w.-])(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.nl\b(?:\/[^\s<>"')]*[^\s<>"'.,;:!?)])?)/gi;
  var COPY_MARKERS = ["Voor uw eigen dossier", "Voor het leerlingdossier", "Samenvatting voor"];
  var ROLE_LABELS = { gp: "Huisartsenpraktijk", school: "School" };

  var state = load() || { sessionId: newSessionId(), messages: [], started: false };
  var socket = null;
  var confirmed = false;  // the server put this connection in the conversation's room
  var outbox = [];        // messages typed before that: Rasa would send the answers nowhere
  var typingTimer = null;
  var ui = {};

  function newSessionId() {
    var bytes = new Uint8Array(24);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function load() {
    try { return JSON.parse(window.sessionStorage.getItem(STORE_KEY)); } catch (e) { return null; }
  }

  function save() {
    try { window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode: no memory */ }
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* Bot text as DOM nodes: links and emergency numbers become links, everything else is text
     (never innerHTML, so nothing a message holds can run). */
  function richText(text) {
    var fragment = document.createDocumentFragment();
    text.split(URL_PATTERN).forEach(function (part, index) {
      if (index % 2 === 1) {
        var href = /^https?:\/\//i.test(part) ? part : "https://" + part;
        var link = el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, part);
        fragment.appendChild(link);
        return;
      }
      part.split(EMERGENCY).forEach(function (piece, j) {
        if (j % 2 === 1) {
          fragment.appendChild(el("a", { href: "tel:" + piece.replace(/\D/g, ""), "class": "tel" }, piece));
        } else if (piece) {
          fragment.appendChild(document.createTextNode(piece));
        }
      });
    });
    return fragment;
  }

  function build() {
    var host = el("div", { id: "wegwijzer-widget" });
    document.body.appendChild(host);
    var root = host.attachShadow({ mode: "open" });
    var style = el("link", { rel: "stylesheet", href: assetBase + "wegwijzer.css" });
    root.appendChild(style);
    var wrapper = el("div", { "class": "wwj " + config.position + " " + config.mode });
    wrapper.style.setProperty("--wwj-brand", config.color);
    root.appendChild(wrapper);

    ui.launcher = el("button", { type: "button", "class": "launcher", "aria-expanded": "false",
                                 "aria-controls": "wwj-panel" }, config.mode === "professional"
                                 ? "Open de chat" : "Vraag over een kind? Chat met Wegwijzer");
    ui.panel = el("section", { id: "wwj-panel", "class": "panel", role: "dialog", "aria-labelledby": "wwj-title",
                               hidden: "" });
    var header = el("div", { "class": "header" });
    header.appendChild(el("h2", { id: "wwj-title" }, config.mode === "professional"
      ? "Wegwijzer Jeugdhulp – " + (ROLE_LABELS[config.role] || "professional") : "Wegwijzer Jeugdhulp"));
    ui.erase = el("button", { type: "button", "class": "erase" }, "Gesprek wissen");
    ui.close = el("button", { type: "button", "class": "close", "aria-label": "Chat sluiten" }, "×");
    header.appendChild(ui.erase);
    header.appendChild(ui.close);

    ui.notice = el("div", { "class": "notice" });
    ui.notice.appendChild(el("p", { "class": "intro" }, "Je praat met een computerprogramma, geen mens. Het helpt " +
      "je de weg te vinden naar passende hulp en beslist niets."));
    var stored = el("p", { "class": "intro" }, "We bewaren dit gesprek 90 dagen en wissen het dan. Zonder jouw toestemming gaat er " +
      "niets naar het lokale team. Met ‘Gesprek wissen’ haal je het meteen weg. ");
    stored.appendChild(el("a", { href: webBase + "privacy", target: "_blank", rel: "noopener noreferrer" },
      "Lees hoe we met je gegevens omgaan"));
    ui.notice.appendChild(stored);
    var danger = el("p", { "class": "danger" });
    danger.appendChild(richText("Direct gevaar? Bel 112. "));
    danger.appendChild(el("a", { href: webBase + "privacy", target: "_blank", rel: "noopener noreferrer",
                                 "class": "privacy-short" }, "Privacy"));
    ui.notice.appendChild(danger);

    ui.log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": "Gesprek",
                         tabindex: "0" });
    ui.list = el("ol", { "class": "messages" });
    ui.log.appendChild(ui.list);
    ui.typing = el("p", { "class": "typing", hidden: "" }, "Wegwijzer typt…");
    ui.status = el("p", { "class": "visually-hidden", role: "status" });

    ui.form = el("form", { "class": "compose" });
    ui.form.appendChild(el("label", { "for": "wwj-input", "class": "visually-hidden" }, "Typ je bericht"));
    ui.input = el("textarea", { id: "wwj-input", rows: "2", maxlength: "2000", autocomplete: "off",
                                placeholder: "Typ je bericht" });
    ui.send = el("button", { type: "submit" }, "Verstuur");
    ui.form.appendChild(ui.input);
    ui.form.appendChild(ui.send);

    [header, ui.notice, ui.log, ui.typing, ui.status, ui.form].forEach(function (node) { ui.panel.appendChild(node); });
    wrapper.appendChild(ui.panel);
    wrapper.appendChild(ui.launcher);

    ui.launcher.addEventListener("click", function () { setOpen(ui.panel.hidden); });
    ui.close.addEventListener("click", function () { setOpen(false); });
    ui.erase.addEventListener("click", erase);
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { setOpen(false); }
    });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.input.value.trim();
      if (!text) { return; }
      ui.input.value = "";
      send(text, text);
    });
    ui.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        ui.form.requestSubmit();
      }
    });
    state.messages.forEach(function (message) { render(message, false); });
    compactNotice();
    if (config.open || state.open) { setOpen(true, true); }
  }

  function setOpen(open, quiet) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    ui.launcher.hidden = open;
    state.open = open;
    save();
    if (open) {
      connect();
      if (!quiet) { ui.input.focus(); }
      if (!state.started) { start(); }
      scrollDown();
    } else if (!quiet) {
      ui.launcher.focus();
    }
  }

  function connect() {
    if (socket) { return; }
    socket = window.io(config.server, { path: "/socket.io", transports: ["websocket", "polling"] });
    socket.on("connect", function () {
      confirmed = false;
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function () {
      confirmed = true;
      outbox.splice(0).forEach(function (message) { socket.emit("user_uttered", message); });
    });
    socket.on("bot_uttered", function (message) {
      var buttons = (message.quick_replies || message.buttons || []).map(function (b) {
        return { title: b.title, payload: b.payload };
      });
      addMessage({ from: "bot", text: message.text || "", buttons: buttons });
      typing(true);
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing(false); }, 600);
    });
    socket.on("connect_error", function () {
      typing(false);
      ui.status.textContent = "Geen verbinding met de chat. Probeer het later opnieuw, of bel bij direct gevaar 112.";
    });
  }

  function start() {
    state.started = true;
    save();
    if (config.mode === "professional" && config.role) {
      send('/inform_role{"role":"' + config.role + '"}', ROLE_LABELS[config.role]);
    } else {
      send("hallo", null);
    }
  }

  function send(payload, shown) {
    disableButtons();
    if (shown) { addMessage({ from: "user", text: shown }); }
    typing(true);
    var message = { message: payload, session_id: state.sessionId,
                    customData: { municipality: config.municipality, mode: config.mode } };
    if (confirmed) { socket.emit("user_uttered", message); } else { outbox.push(message); }
  }

  /* Once the user has written, the notice shrinks to the emergency line (and a privacy link),
     so a phone shows the conversation. */
  function compactNotice() {
    var written = state.messages.some(function (message) { return message.from === "user"; });
    ui.notice.classList.toggle("compact", written);
  }

  function typing(on) {
    ui.typing.hidden = !on;
  }

  function addMessage(message) {
    state.messages.push(message);
    save();
    compactNotice();
    render(message, true);
  }

  function render(message, announce) {
    var item = el("li", { "class": message.from });
    item.appendChild(el("span", { "class": "visually-hidden" }, message.from === "bot" ? "Wegwijzer: " : "Jij: "));
    var body = el("p", { "class": "text" });
    body.appendChild(message.from === "bot" ? richText(message.text) : document.createTextNode(message.text));
    item.appendChild(body);
    if (message.from === "bot" && config.mode === "professional" && COPY_MARKERS.some(function (m) {
      return message.text.indexOf(m) === 0 || message.text.indexOf(m) > 0;
    })) {
      var copy = el("button", { type: "button", "class": "copy" }, "Kopieer samenvatting");
      copy.addEventListener("click", function () {
        var done = function () { ui.status.textContent = "Samenvatting gekopieerd."; copy.textContent = "Gekopieerd"; };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(message.text).then(done, function () { selectText(body); });
        } else {
          selectText(body);
        }
      });
      item.appendChild(copy);
    }
    if (message.buttons && message.buttons.length && !message.answered) {
      var group = el("div", { "class": "choices", role: "group", "aria-label": "Kies een antwoord" });
      message.buttons.forEach(function (button) {
        var choice = el("button", { type: "button" }, button.title);
        choice.addEventListener("click", function () {
          message.answered = true;
          save();
          send(button.payload, button.title);
        });
        group.appendChild(choice);
      });
      item.appendChild(group);
    }
    ui.list.appendChild(item);
    if (announce) { scrollDown(); }
  }

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    ui.status.textContent = "Samenvatting geselecteerd: kopieer met Ctrl+C.";
  }

  function disableButtons() {
    state.messages.forEach(function (message) { if (message.buttons && message.buttons.length) { message.answered = true; } });
    save();
    Array.prototype.forEach.call(ui.log.querySelectorAll(".choices"), function (group) { group.remove(); });
  }

  function scrollDown() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function erase() {
    var body = JSON.stringify({ session_id: state.sessionId });
    fetch(webBase + "widget/api/erase", { method: "POST", headers: { "Content-Type": "application/json" }, body: body })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        if (socket) { socket.disconnect(); socket = null; confirmed = false; }
        try { window.sessionStorage.removeItem(STORE_KEY); } catch (e) { /* nothing stored */ }
        state = { sessionId: newSessionId(), messages: [], started: false, open: true };
        ui.list.textContent = "";
        ui.status.textContent = "Het gesprek is gewist, hier en op de server.";
        connect();
        start();
        ui.input.focus();
      })
      .catch(function () {
        ui.status.textContent = "Wissen is niet gelukt. Probeer het opnieuw.";
      });
  }

  function boot() {
    if (window.io) { build(); return; }
    var loader = document.createElement("script");
    loader.src = assetBase + "vendor/socket.io.min.js";
    loader.onload = build;
    document.head.appendChild(loader);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();
