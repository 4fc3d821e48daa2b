"use strict";
(() => {
  // ---- Configuration ------------------------------------------------------------------------
  const STREAM_THRESHOLD = 2000;   // code points; longer texts go to the streaming endpoint
  const DEBOUNCE_MS = 300;
  const MAX_BUSY_RETRIES = 5;      // 503 retries of one request before asking the user
  const KEY_STORAGE = "zhner.apiKey";

  // Fixed colours for the common types; any other type gets a deterministic palette colour.
  const FIXED_COLOURS = { PER: "#00f0ff", LOC: "#ffe600", ORG: "#ff2bd6" };
  const PALETTE = ["#4dff88", "#ff9f1c", "#b794ff", "#ff6b6b", "#5cc8ff", "#d4ff3a", "#ff8fd8", "#64ffda"];
  const TYPE_ORDER = ["PER", "LOC", "ORG"];

  const SAMPLES = {
    news: "新华社北京3月5日电 国务院总理李强5日在人民大会堂作政府工作报告。报告指出，华为技术有限公司和中国科学院等单位在人工智能领域取得重要进展，上海、深圳和杭州将继续扩大对外开放。",
    social: "哈哈哈今天在三里屯偶遇@王一博 了😭😭 #三里屯# 晚上和@李娜 在工体吃火锅🌶️ 明天飞成都 http://t.cn/A6xYz",
    traditional: "國務院總理李強在北京人民大會堂會見香港特別行政區行政長官李家超，雙方就粵港澳大灣區建設交換了意見，臺灣大學教授陳志明也出席了會議。",
    long: [
      "新华社北京电 国家统计局今天发布数据显示，今年前三季度国内生产总值同比增长百分之五点二。国家统计局新闻发言人付凌晖在国务院新闻办公室举行的发布会上表示，消费对经济增长的贡献率持续提升，长三角、粤港澳大湾区和京津冀等地区发挥了重要的带动作用。上海市、江苏省和浙江省的外贸进出口总额均创历史同期新高，广东省深圳市的高新技术产业增加值增长明显。中国人民银行有关负责人指出，下一阶段将继续实施稳健的货币政策，保持流动性合理充裕，支持实体经济发展。",
      "在深圳举行的开发者大会上，华为技术有限公司常务董事余承东介绍了公司在人工智能和智能终端领域的最新进展。他说，华为与清华大学、北京大学以及中国科学院计算技术研究所开展了多项联合研究，相关成果已应用于医疗、交通和能源等行业。腾讯公司和阿里巴巴集团的技术负责人也出席了会议，并就大模型的安全与开放问题进行了讨论。与会专家认为，杭州、合肥和成都正在成为新的创新高地，吸引了大量年轻工程师前往创业。",
      "在杭州奥体中心体育馆进行的全国游泳锦标赛中，浙江队选手汪顺以一分五十五秒的成绩获得男子二百米个人混合泳冠军，上海队的张雨霏则在女子一百米蝶泳决赛中夺得金牌。中国游泳协会主席周继红在赛后表示，年轻运动员的表现令人鼓舞，国家队将在昆明和广州进行冬训，为明年的世界锦标赛做准备。来自北京体育大学的教练团队也参与了本次比赛的技术分析工作。",
      "国庆假期期间，西安、成都、重庆和长沙等城市接待游客数量大幅增长。故宫博物院、敦煌研究院和陕西历史博物馆推出了多项特别展览，吸引了来自全国各地的参观者。文化和旅游部发布的数据显示，假期国内旅游出游人次超过八亿。在云南省丽江市，当地政府联合中国国际航空公司推出了新的旅游航线，方便游客从北京首都国际机场和上海浦东国际机场直飞。导游李明告诉记者，今年外国游客明显增多，很多人专程来看长城和兵马俑。",
      "中国科学院院士、南京大学教授王志远带领的研究团队在《自然》杂志上发表论文，报告了一种新型储能材料。该研究由国家自然科学基金委员会资助，合作单位包括复旦大学、香港科技大学和德国马克斯·普朗克研究所。论文第一作者陈晓雯博士介绍，这种材料可以显著提高锂电池的充电速度。宁德时代新能源科技股份有限公司和比亚迪股份有限公司已经表示有意与团队开展产业化合作，首条中试生产线有望在福建省宁德市建成。",
      "外交部发言人毛宁在例行记者会上宣布，法国总统马克龙将于下月对中国进行国事访问。访问期间，两国元首将在北京举行会谈，并共同出席中法企业家委员会会议。马克龙总统还将前往广州，参观中山大学和当地的法资企业。毛宁表示，中方愿同法方一道，推动两国在航空航天、核能、农业和文化等领域的合作。欧盟驻华代表团和联合国教科文组织的官员也对此次访问表示欢迎。",
      "据《南方日报》报道，广州市白云区一家物流企业近日引进了无人配送车，首批车辆已在广州大学城附近开始试运行。企业负责人刘建国说，配送车由百度公司提供自动驾驶技术支持，可以在夜间完成快递投递。广州市交通运输局表示，将根据试点情况制定相关管理办法。中山大学交通研究中心主任黄宏认为，无人配送有助于缓解城市交通压力，但也需要关注道路安全与数据隐私等问题。",
      "教育部近日印发通知，要求各地进一步做好高校毕业生就业工作。通知指出，北京市、天津市和河北省等地要加强校企合作，鼓励中国石油天然气集团有限公司、国家电网有限公司等中央企业扩大招聘规模。武汉大学就业指导中心的孙丽老师表示，今年学校举办了两百多场招聘会，参会企业包括小米科技、京东集团和中国银行。毕业生赵磊已经与一家位于苏州工业园区的半导体公司签约，他说希望将来能回到家乡湖南工作。",
      "生态环境部通报，今年长江流域水质优良断面比例继续保持在较高水平。在湖北省宜昌市，三峡集团与武汉大学合作开展了中华鲟保护项目，已累计放流鱼苗数十万尾。青海省三江源国家公园管理局介绍，园区内雪豹和藏羚羊的种群数量稳步增加。世界自然基金会的专家高度评价了中国在生物多样性保护方面取得的成绩，并希望与中国林业科学研究院在更多领域开展合作。",
      "在上海举行的中国国际进口博览会上，来自德国、日本和巴西的企业展示了最新的农产品和医疗设备。商务部副部长王受文在开幕式上表示，进博会已经成为世界共享的国际公共产品。上海交通大学安泰经济与管理学院的研究人员估计，本届展会意向成交额将超过七百亿美元。参展的西门子公司和丰田汽车公司负责人都表示，中国市场对他们的全球战略十分重要。",
      "国家卫生健康委员会新闻发言人米锋介绍，今冬明春呼吸道疾病防控工作已经全面部署。北京协和医院、四川大学华西医院和浙江大学医学院附属第一医院等医疗机构增加了儿科门诊的接诊能力。中国疾病预防控制中心的专家提醒，老年人和慢性病患者应及时接种疫苗。在江西省南昌市，社区卫生服务中心为居民开设了夜间门诊，受到市民欢迎。",
      "中国国家铁路集团有限公司宣布，连接重庆和昆明的高速铁路将于年底开通运营，届时两地之间的旅行时间将缩短至三小时左右。贵州省和四川省沿线的多个县市也将结束不通高铁的历史。中铁二院工程集团有限责任公司的总工程师刘志强介绍，这条铁路穿越了复杂的喀斯特地貌，建设过程中攻克了多项技术难题。"
    ].join("\n\n")
  };

  // ---- Elements ----------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  const el = {
    text: $("text"), analyse: $("analyse"), live: $("live"), count: $("count"),
    progressWrap: $("progress-wrap"), progress: $("progress"), progressFill: $("progress-fill"), progressLabel: $("progress-label"),
    status: $("status"), error: $("error"), legend: $("legend"), output: $("output"), meta: $("meta"),
    rows: $("rows"), copy: $("copy"), download: $("download"),
    health: $("health"), healthText: $("health-text"),
    auth: $("auth"), authState: $("auth-state"), key: $("api-key"), keyClear: $("key-clear")
  };

  // ---- State -------------------------------------------------------------------------------
  let seq = 0;                 // number of the latest request; older results are dropped
  let controller = null;       // AbortController of the request in flight
  let debounceTimer = 0, retryTimer = 0, countdownTimer = 0, paintFrame = 0, healthTimer = 0;
  let composing = false;       // an IME composition is in progress (pinyin input): don't analyse half-typed text
  let lastFailedByNetwork = false;
  let result = null;           // { text, chars, entities, model, took_ms, streamed, complete }
  const hiddenTypes = new Set();
  const seenTypes = new Set(); // every type seen this session, so the legend does not jump around

  // ---- Small helpers -----------------------------------------------------------------------
  const codePoints = (s) => Array.from(s);
  function cpLength(s) { let n = 0; for (const _ of s) n++; return n; }
  function fmtInt(n) { return n.toLocaleString("en-US"); }
  function fmtMs(ms) { return typeof ms !== "number" ? "" : (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : String(Math.round(ms))) + " ms"; }
  // Server messages are lower-case fragments ("text is 88 characters; …"): make them a sentence.
  function sentence(m) { m = String(m || "").trim(); return m ? m[0].toUpperCase() + m.slice(1) + (/[.!?。！？]$/.test(m) ? "" : ".") : ""; }

  function hash32(s) {  // FNV-1a: the same type name always gets the same colour
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h;
  }
  function colourOf(type) { return FIXED_COLOURS[type] || PALETTE[hash32(type) % PALETTE.length]; }
  function setColour(node, type) {
    const c = colourOf(type);
    node.style.setProperty("--c", c);
    node.style.setProperty("--cb", c + "2e");  // the same colour at 18 % alpha, as 8-digit hex
  }
  function typeRank(t) { const i = TYPE_ORDER.indexOf(t); return i < 0 ? TYPE_ORDER.length : i; }
  function compareTypes(a, b) { return typeRank(a) - typeRank(b) || (a < b ? -1 : a > b ? 1 : 0); }

  function h(tag, attrs, ...children) {  // tiny DOM builder; children are nodes or plain text
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function setState(state) { el.output.dataset.state = state; el.output.setAttribute("aria-busy", String(state === "loading" || state === "streaming")); }
  function setStatus(message, kind) { el.status.textContent = message; el.status.dataset.kind = kind || ""; }
  function showError(parts, kind) {
    // parts: [strong, rest]; written with textContent, never as markup.
    el.error.replaceChildren();
    if (parts[0]) el.error.append(h("strong", {}, parts[0]), " ");
    el.error.append(parts[1] || "");
    el.error.dataset.kind = kind || "error";
    el.error.hidden = false;
  }
  function clearError() { el.error.hidden = true; el.error.replaceChildren(); delete el.error.dataset.code; }

  function setProgress(fraction, label) {
    const pct = Math.max(0, Math.min(100, Math.floor(fraction * 100)));  // 100 only when really done
    el.progressWrap.hidden = false;
    el.progress.setAttribute("aria-valuenow", String(pct));
    el.progress.setAttribute("aria-valuetext", label || pct + " %");
    el.progressFill.style.width = pct + "%";
    el.progressLabel.textContent = label || pct + " %";
  }

  // ---- API ---------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, code, message, retryAfter) { super(message); this.status = status; this.code = code; this.retryAfter = retryAfter; }
  }

  function headers(accept) {
    const hd = { "Content-Type": "application/json", "Accept": accept };
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (key) hd["Authorization"] = "Bearer " + key;
    return hd;
  }

  // Retry-After is either delta-seconds or an HTTP date.
  function retryAfterSeconds(value) {
    if (!value) return 2;
    const n = Number(value);
    const s = Number.isFinite(n) ? n : (Date.parse(value) - Date.now()) / 1000;
    return Number.isFinite(s) ? Math.min(120, Math.max(1, Math.ceil(s))) : 2;
  }

  async function apiError(res) {
    let code = "http_" + res.status, message = res.statusText || "request failed";
    try {
      const body = await res.json();
      if (body && body.error) { code = body.error.code || code; message = body.error.message || message; }
    } catch (_) { /* not JSON (a proxy's page): keep the status text */ }
    return new ApiError(res.status, code, message, retryAfterSeconds(res.headers.get("Retry-After")));
  }

  async function post(path, text, accept, signal) {
    const res = await fetch(path, { method: "POST", headers: headers(accept), body: JSON.stringify({ text }), signal, cache: "no-store" });
    if (!res.ok) throw await apiError(res);
    return res;
  }

  // ---- Analysis ----------------------------------------------------------------------------
  function cancelPending() {
    clearTimeout(debounceTimer); clearTimeout(retryTimer); clearInterval(countdownTimer);
    if (controller) controller.abort();
    controller = null;
  }

  function schedule() {
    clearTimeout(debounceTimer);
    updateCount();
    if (!el.live.checked || composing) return;
    debounceTimer = setTimeout(() => analyse(), DEBOUNCE_MS);
  }

  function analyse() {
    cancelPending();
    const text = el.text.value;
    const my = ++seq;
    if (!text.trim()) {
      result = null; clearError(); el.progressWrap.hidden = true; setStatus("");
      paint(); setState("idle"); return;
    }
    controller = new AbortController();
    run(my, text, controller.signal, 1);
  }

  async function run(my, text, signal, attempt) {
    const n = cpLength(text);
    const stream = n > STREAM_THRESHOLD;
    clearError();
    setState("loading");
    el.output.dataset.stale = "true";
    setStatus(stream ? "Streaming " + fmtInt(n) + " characters…" : "Analysing…", "busy");
    if (stream) setProgress(0, "0 %"); else el.progressWrap.hidden = true;
    try {
      if (stream) await runStream(my, text, signal); else await runOnce(my, text, signal);
      lastFailedByNetwork = false;
    } catch (err) {
      if (my !== seq || (err && err.name === "AbortError")) return;  // superseded: say nothing
      handleFailure(err, my, text, attempt);
    }
  }

  async function runOnce(my, text, signal) {
    const res = await post("v1/entities", text, "application/json", signal);
    const body = await res.json();
    if (my !== seq) return;  // a newer request started while this one was in flight
    result = { text, chars: codePoints(text), entities: body.entities || [], model: body.model, took_ms: body.took_ms, streamed: false, complete: true };
    paint();
    setState("done");
    setStatus(summary(), "");
  }

  async function runStream(my, text, signal) {
    const res = await post("v1/entities/stream", text, "application/x-ndjson", signal);
    if (my !== seq) return;
    result = { text, chars: codePoints(text), entities: [], model: undefined, took_ms: undefined, streamed: true, complete: false };
    paint();  // the plain text at once; highlights follow as pieces arrive
    setState("streaming");
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "", done = false;
    const handle = (line) => {
      if (!line.trim()) return;
      let msg;
      try { msg = JSON.parse(line); } catch (_) { throw new ApiError(0, "bad_stream", "the server sent a line that is not JSON", 0); }
      if (msg.error) throw new ApiError(500, msg.error.code || "stream_error", msg.error.message || "the stream failed", 0);
      if (Array.isArray(msg.entities)) { result.entities.push(...msg.entities); pending.push(...msg.entities); schedulePaint(); }
      if (msg.model) result.model = msg.model;
      if (msg.done) {
        done = true;
        result.complete = true;
        result.took_ms = msg.took_ms;
        if (typeof msg.entities_total === "number" && msg.entities_total !== result.entities.length) {
          showError(["Incomplete stream:", "the server reported " + msg.entities_total + " entities but sent " + result.entities.length + "."], "warn");
        }
        setProgress(1, "100 % · " + fmtInt(result.entities.length) + " entities" + (msg.took_ms != null ? " in " + fmtMs(msg.took_ms) : ""));
      } else if (typeof msg.processed === "number" && msg.total > 0) {
        setProgress(msg.processed / msg.total, Math.floor(100 * msg.processed / msg.total) + " % · " + fmtInt(result.entities.length) + " entities so far");
      }
    };
    for (;;) {
      let chunk;
      try { chunk = await reader.read(); } catch (err) {
        if (err && err.name === "AbortError") throw err;
        // The connection broke mid-stream: what was painted stays, marked partial.
        throw new ApiError(0, "stream_cut", "the connection broke at " + el.progress.getAttribute("aria-valuenow") + " %", 0);
      }
      const { value, done: eof } = chunk;
      if (my !== seq) { reader.cancel().catch(() => {}); return; }
      buffer += decoder.decode(value || new Uint8Array(), { stream: !eof });
      const lines = buffer.split("\n");
      buffer = lines.pop();  // the last piece may be a partial line
      for (const line of lines) handle(line);
      if (eof) break;
    }
    handle(buffer);
    if (!done) throw new ApiError(0, "stream_cut", "the stream ended before it was complete", 0);
    flushPending();
    setState("done");
    setStatus(summary(), "");
  }

  function summary() {
    const n = result.entities.length;
    return fmtInt(n) + (n === 1 ? " entity" : " entities") + (result.took_ms != null ? " · " + fmtMs(result.took_ms) : "") +
      (result.streamed ? " · streamed" : "") + (result.model ? " · " + result.model : "");
  }

  function handleFailure(err, my, text, attempt) {
    // Whatever is painted belongs to an earlier text unless this was a stream cut short: dim it.
    el.output.dataset.stale = String(!!result && result.text !== text);
    setState(err instanceof ApiError && err.status === 503 && attempt <= MAX_BUSY_RETRIES ? "retrying" : "error");
    if (!(err instanceof ApiError)) {
      // fetch rejects with a TypeError when the server cannot be reached at all.
      lastFailedByNetwork = true;
      if (!navigator.onLine) showError(["Offline.", "This browser has no network connection; the text will be analysed again when it comes back."]);
      else showError(["Cannot reach the zhner server.", "The request failed before an answer came (" + (err && err.message || "network error") + "). Checking again every few seconds…"]);
      setStatus("");
      el.progressWrap.hidden = true;
      setHealth("down", "server: unreachable");
      watchHealth();
      return;
    }
    el.error.dataset.code = String(err.status);
    switch (err.status) {
      case 503: {
        if (attempt > MAX_BUSY_RETRIES) {
          showError(["Server busy (503).", "Still busy after " + MAX_BUSY_RETRIES + " retries; press Analyse to try again."]);
          setStatus(""); return;
        }
        // Honour Retry-After, with a visible countdown; typing or a new request cancels the retry.
        let left = err.retryAfter;
        const say = () => showError(["Server busy (503).", "Retrying in " + left + " s (attempt " + attempt + " of " + MAX_BUSY_RETRIES + ")…"], "warn");
        say();
        setStatus("Server busy, retrying in " + left + " s", "busy");
        countdownTimer = setInterval(() => { left = Math.max(0, left - 1); say(); setStatus("Server busy, retrying in " + left + " s", "busy"); }, 1000);
        retryTimer = setTimeout(() => {
          clearInterval(countdownTimer);
          if (my !== seq) return;
          controller = new AbortController();
          run(my, text, controller.signal, attempt + 1);
        }, err.retryAfter * 1000);
        return;
      }
      case 413: {
        // The server's message names its limit; add this text's length unless it already says it.
        const n = cpLength(text), msg = sentence(err.message);
        showError(["Text too long (413).", msg + (msg.includes(String(n)) ? "" : " This text has " + fmtInt(n) + " characters.") + " Shorten it or split it."]);
        break;
      }
      case 401:
        showError(["API key required (401).", sentence(err.message) + " Paste the key under “API key” at the top right."]);
        el.auth.open = true; el.key.focus();
        break;
      case 400:
        showError(["Bad request (400).", sentence(err.message)]);
        break;
      case 504:
        showError(["Timed out (504).", sentence(err.message) + " Try a shorter text, or try again."]);
        break;
      case 0:
        showError(["Connection lost.", sentence(err.message) + " The highlights shown are partial; press Analyse to run again."]);
        break;
      default:
        showError(["Error " + err.status + ".", sentence(err.message)]);
    }
    setStatus("");
    if (err.status !== 0) el.progressWrap.hidden = true;
  }

  // ---- Painting ----------------------------------------------------------------------------
  // The output is [text, mark, text, mark, …, tail]. A full paint rebuilds it; while a stream runs,
  // new entities that start after the last painted one are spliced in before the tail text node,
  // so a long text is not rebuilt for every piece (that would be quadratic in its length).
  let view = null;     // { result, cursor, tail, n, counts } of what the output shows
  let pending = [];    // streamed entities not painted yet

  function schedulePaint() { if (!paintFrame) paintFrame = requestAnimationFrame(flushPending); }
  function flushPending() {
    cancelAnimationFrame(paintFrame); paintFrame = 0;
    const list = pending; pending = [];
    if (view && view.result === result && appendEntities(list)) finishPaint(); else paint();
  }

  function paint() {
    pending = [];
    el.output.dataset.stale = "false";
    if (!result) {
      view = null;
      el.output.replaceChildren(h("span", { class: "placeholder" }, "Pick a sample or type some Chinese text — entities are highlighted here."));
      el.rows.replaceChildren(h("tr", { class: "empty-row" }, h("td", { colspan: "6" }, "No entities yet.")));
      paintLegend({});
      el.meta.textContent = "";
      el.copy.disabled = el.download.disabled = true;
      return;
    }
    view = { result, cursor: 0, tail: document.createTextNode(result.text), n: 0, counts: {} };
    el.output.replaceChildren(view.tail);
    el.rows.replaceChildren();
    appendEntities(result.entities);
    finishPaint();
  }

  // Paints entities after view.cursor; false when one starts before it (the caller repaints all).
  // A malformed or overlapping entity is skipped rather than breaking the text.
  function appendEntities(list) {
    const chars = view.result.chars, n = chars.length;
    const ents = list.filter((e) => Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.end <= n && e.start < e.end)
      .sort((a, b) => a.start - b.start || b.end - a.end);
    if (!ents.length) return true;
    if (ents[0].start < view.cursor) return false;
    const text = document.createDocumentFragment(), rows = document.createDocumentFragment();
    for (const e of ents) {
      if (e.start < view.cursor) continue;
      if (e.start > view.cursor) text.append(chars.slice(view.cursor, e.start).join(""));
      const mark = h("mark", {
        class: "ent" + (hiddenTypes.has(e.type) ? " off" : ""),
        dataset: { type: e.type, start: String(e.start), end: String(e.end), score: String(e.score) },
        title: e.type + " · score " + fmtScore(e.score) + " · [" + e.start + ", " + e.end + ")"
      }, chars.slice(e.start, e.end).join(""));
      setColour(mark, e.type);
      text.append(mark);
      rows.append(tableRow(e, ++view.n, chars));
      view.cursor = e.end;
      view.counts[e.type] = (view.counts[e.type] || 0) + 1;
      seenTypes.add(e.type);
    }
    view.tail.before(text);
    view.tail.data = chars.slice(view.cursor).join("");
    const placeholder = el.rows.querySelector(".empty-row");
    if (placeholder) placeholder.remove();
    el.rows.append(rows);
    return true;
  }

  function finishPaint() {
    if (!view.n) el.rows.replaceChildren(h("tr", { class: "empty-row" }, h("td", { colspan: "6" }, result.complete ? "No entities found." : "Waiting for entities…")));
    paintLegend(view.counts);
    el.meta.textContent = fmtInt(result.chars.length) + " characters" + (result.model ? " · model " + result.model : "") +
      (result.took_ms != null ? " · " + fmtMs(result.took_ms) : "") + (result.streamed && !result.complete ? " · streaming…" : "");
    el.copy.disabled = el.download.disabled = !result.complete;
  }

  function fmtScore(s) { return typeof s === "number" ? s.toFixed(4) : "–"; }

  function paintLegend(counts) {
    const types = [...seenTypes].sort(compareTypes);
    if (!types.length) { el.legend.replaceChildren(h("li", { class: "empty" }, result ? "No entities found." : "Entity types appear here.")); return; }
    el.legend.replaceChildren(...types.map((t) => {
      const n = counts[t] || 0;
      const chip = h("button", {
        type: "button", class: "chip", "aria-pressed": String(!hiddenTypes.has(t)),
        dataset: { type: t, count: String(n) }, title: "Show or hide " + t
      }, h("span", { class: "sw", "aria-hidden": "true" }), h("span", { class: "t" }, t), h("span", { class: "n" }, String(n)));
      setColour(chip, t);
      chip.addEventListener("click", () => {
        if (hiddenTypes.has(t)) hiddenTypes.delete(t); else hiddenTypes.add(t);
        paint();
        const again = el.legend.querySelector('button[data-type="' + CSS.escape(t) + '"]');
        if (again) again.focus();
      });
      return h("li", {}, chip);
    }));
  }

  function tableRow(e, i, chars) {
    const tag = h("span", { class: "tag" }, e.type);
    setColour(tag, e.type);
    const score = typeof e.score === "number" ? e.score : 0;
    const bar = h("span", { class: "scorebar", "aria-hidden": "true" }, h("i", {}));
    bar.firstChild.style.width = Math.round(Math.max(0, Math.min(1, score)) * 100) + "%";
    return h("tr", {
      class: hiddenTypes.has(e.type) ? "off" : "", tabindex: "0",
      dataset: { type: e.type, start: String(e.start), end: String(e.end) }, title: "Show in the text"
    },
      h("td", { class: "num" }, String(i)),
      h("td", {}, tag),
      h("td", { class: "text" }, chars.slice(e.start, e.end).join("")),
      h("td", { class: "num" }, String(e.start)),
      h("td", { class: "num" }, String(e.end)),
      h("td", { class: "score" }, fmtScore(e.score), bar));
  }

  // Clicking (or Enter on) a row scrolls its highlight into view and flashes it.
  function revealRow(row) {
    const mark = el.output.querySelector('mark.ent[data-start="' + row.dataset.start + '"]');
    if (!mark) return;
    mark.scrollIntoView({ block: "nearest", behavior: "smooth" });
    mark.classList.remove("flash"); void mark.offsetWidth; mark.classList.add("flash");
  }
  el.rows.addEventListener("click", (e) => { const row = e.target.closest("tr[data-start]"); if (row) revealRow(row); });
  el.rows.addEventListener("keydown", (e) => { const row = e.target.closest("tr[data-start]"); if (row && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); revealRow(row); } });

  function updateCount() {
    const n = cpLength(el.text.value);
    const stream = n > STREAM_THRESHOLD;
    el.count.textContent = fmtInt(n) + " chars" + (stream ? " · stream" : "");
    el.count.dataset.stream = String(stream);
  }

  // ---- Export ------------------------------------------------------------------------------
  function exportJSON() {
    return JSON.stringify({ text: result.text, model: result.model, took_ms: result.took_ms, entities: result.entities }, null, 2);
  }
  async function copyJSON() {
    if (!result) return;
    const json = exportJSON();
    try {
      await navigator.clipboard.writeText(json);
    } catch (_) {
      // No async clipboard (insecure origin, no permission): the old selection-based copy.
      const ta = h("textarea", { "aria-hidden": "true", style: "position:fixed;left:-9999px" });
      ta.value = json; document.body.append(ta); ta.select();
      const ok = document.execCommand("copy"); ta.remove();
      if (!ok) { showError(["Copy failed.", "The browser refused clipboard access; use Download JSON instead."]); return; }
    }
    setStatus("Copied " + fmtInt(result.entities.length) + " entities as JSON to the clipboard.");
    el.copy.textContent = "Copied ✓";
    setTimeout(() => { el.copy.textContent = "Copy JSON"; }, 1500);
  }
  function downloadJSON() {
    if (!result) return;
    const url = URL.createObjectURL(new Blob([exportJSON()], { type: "application/json" }));
    const stamp = new Date().toISOString().replace(/[:T]/g, "-").slice(0, 19);
    const a = h("a", { href: url, download: "zhner-entities-" + stamp + ".json" });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    setStatus("Downloaded " + fmtInt(result.entities.length) + " entities as JSON.");
  }

  // ---- Server health and API key -----------------------------------------------------------
  function setHealth(state, text) { el.health.dataset.state = state; el.healthText.textContent = text; }
  async function checkHealth() {
    try {
      const res = await fetch("readyz", { cache: "no-store" });
      if (res.ok) { setHealth("ready", "server: ready"); return true; }
      setHealth(res.status === 503 ? "loading" : "down", res.status === 503 ? "server: busy / loading" : "server: HTTP " + res.status);
      return true;  // it answered, so it is reachable
    } catch (_) {
      setHealth("down", "server: unreachable");
      return false;
    }
  }
  // After a network failure, poll readyz until the server answers, then analyse again.
  function watchHealth() {
    if (healthTimer) return;
    healthTimer = setInterval(async () => {
      if (await checkHealth()) {
        clearInterval(healthTimer); healthTimer = 0;
        if (lastFailedByNetwork) { clearError(); analyse(); }
      }
    }, 5000);
  }
  window.addEventListener("online", () => { checkHealth(); if (lastFailedByNetwork) { clearError(); analyse(); } });
  window.addEventListener("offline", () => { setHealth("down", "browser offline"); });

  function refreshKeyState() {
    const has = !!sessionStorage.getItem(KEY_STORAGE);
    el.authState.textContent = has ? "set" : "none";
  }
  $("auth-form").addEventListener("submit", (e) => {
    e.preventDefault();  // never a real submission: the key stays in this tab
    const key = el.key.value.trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key); else sessionStorage.removeItem(KEY_STORAGE);
    el.key.value = ""; refreshKeyState(); el.auth.open = false;
    setStatus(key ? "API key saved for this tab." : "API key cleared.");
    if (el.text.value.trim()) analyse();
  });
  el.keyClear.addEventListener("click", () => { sessionStorage.removeItem(KEY_STORAGE); el.key.value = ""; refreshKeyState(); setStatus("API key cleared."); });

  // ---- Wiring ------------------------------------------------------------------------------
  el.text.addEventListener("input", (e) => { if (!e.isComposing) schedule(); else updateCount(); });
  el.text.addEventListener("compositionstart", () => { composing = true; clearTimeout(debounceTimer); });
  el.text.addEventListener("compositionend", () => { composing = false; schedule(); });
  el.text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); analyse(); }
  });
  el.analyse.addEventListener("click", () => analyse());
  el.live.addEventListener("change", () => { if (el.live.checked) schedule(); });
  for (const b of document.querySelectorAll("button[data-sample]")) {
    b.addEventListener("click", () => { el.text.value = SAMPLES[b.dataset.sample]; updateCount(); analyse(); });
  }
  el.copy.addEventListener("click", copyJSON);
  el.download.addEventListener("click", downloadJSON);

  refreshKeyState();
  updateCount();
  checkHealth();
  if (el.text.value.trim()) analyse();  // the browser may restore the text on reload
})();
