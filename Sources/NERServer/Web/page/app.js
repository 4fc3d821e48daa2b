"use strict";
(() => {
  // ---- Configuration ------------------------------------------------------------------------
  const STREAM_THRESHOLD = 2000;   // code points; longer texts go to the streaming endpoint
  // The server refuses texts over --max-text-chars (100,000 by default) and bodies over 1 MiB, so a longer
  // document is streamed in parts cut at paragraph ends; 50,000 code points is at most ~150 KB of UTF-8.
  const PART_CHARS = 50000;
  // A file longer than this is kept as a read-only document rather than put in the text area: the text
  // area lays out its whole value in one main-thread task (1.2-1.6 s for 1 MB, ~340,000 characters, on a
  // loaded 2-core machine), so it stays for what the server takes in one request (--max-text-chars'
  // default); anything longer is streamed in parts anyway and is rarely edited by hand.
  const DOCUMENT_CHARS = 100000;
  const DEBOUNCE_MS = 300;
  const MAX_BUSY_RETRIES = 5;      // 503 retries of one request before asking the user
  const FRAME_BUDGET_MS = 12;      // painting yields to the browser after this long, so the tab stays responsive
  const GROUPS_SHOWN = 300;        // the entity list shows the most frequent names; the table has them all
  // While a stream runs, the entity list (sorted by count) is rebuilt and the table's rows are repainted at
  // most this often, rather than every frame; both settle once the stream ends.
  const LISTS_REFRESH_MS = 1000;
  // Parts of a long document requested ahead of the one being read: the server streams each request on one
  // worker (one per core by default), so the next part is computed while this one is read and painted.
  const PARTS_IN_FLIGHT = 2;
  const MINIMAP_SEGMENTS = 40;
  const SEARCH_MAX_MATCHES = 10000;
  // A share link holds the whole text in its fragment; chat tools and mail clients cut long links, so past
  // this length the page offers the downloads instead. About 1,700 Chinese characters (9 bytes each, escaped).
  const SHARE_MAX_URL = 16000;
  const KEY_STORAGE = "zhner.apiKey";
  const LANG_STORAGE = "zhner.lang";

  // Fixed colours for the common types; any other type gets a deterministic palette colour.
  const FIXED_COLOURS = { PER: "#00f0ff", LOC: "#ffe600", ORG: "#ff2bd6" };
  const PALETTE = ["#4dff88", "#ff9f1c", "#b794ff", "#ff6b6b", "#5cc8ff", "#d4ff3a", "#ff8fd8", "#64ffda"];
  const TYPE_ORDER = ["PER", "LOC", "ORG"];

  // ---- Messages -----------------------------------------------------------------------------
  // Every word the page shows, in one table per language; index.html's data-i18n attributes name keys
  // here. {name} is replaced by t()'s arguments. Type names are "type.X"; an unknown type shows as itself.
  const MESSAGES = {
    zh: {
      title: "zhner · 中文命名实体识别", tagline: "中文命名实体识别", skip: "跳到文本框",
      langGroup: "界面语言", langZh: "中文", langEn: "EN",
      healthTitle: "服务状态（GET readyz）", healthChecking: "服务：检查中…", healthReady: "服务：就绪",
      healthBusy: "服务：繁忙或加载中", healthHttp: "服务：HTTP {status}", healthDown: "服务：无法连接", healthOffline: "浏览器离线",
      keyLabel: "API 密钥：", keySet: "已设置", keyNone: "无", keyTitle: "API 密钥", keyPlaceholder: "粘贴服务器的密钥",
      keySave: "保存", keyClear: "清除", keyHelp: "以 Authorization: Bearer … 发送；只保存在本标签页（sessionStorage）。",
      keySaved: "API 密钥已保存在本标签页。", keyCleared: "API 密钥已清除。",
      textTitle: "文本", samplesGroup: "示例文本", samples: "示例：", sampleNews: "新闻", sampleSocial: "微博 🎉",
      sampleTraditional: "繁體中文", sampleLong: "长文本（流式）", openFile: "打开文件…",
      fileHelp: "可打开或拖入 .txt、.md、.csv、.jsonl 文件（UTF-8）；文件只在本页读取，只发给本服务器分析。",
      textPlaceholder: "输入中文文本，例如：张伟在北京的华为公司工作。",
      analyse: "分析", live: "边输入边分析", patternsLabel: "规则识别：", patternsNone: "不用", patternsPii: "个人信息",
      patternsAll: "全部（含日期金额）",
      textHelp: "输入时自动识别实体，也可按“分析”或 Ctrl+Enter。超过 2,000 字的文本以流式分析。",
      progressLabel: "流式分析进度", chars: "{n} 字", charsStream: "{n} 字 · 流式",
      resultTitle: "文中的实体", legendLabel: "实体类型（按下可显示或隐藏）", legendEmpty: "实体类型会显示在这里。",
      legendNone: "没有找到实体。", chipTitle: "显示或隐藏{name}（{type}）",
      searchPlaceholder: "在文本中查找（/）", searchLabel: "在文本中查找", searchNone: "无匹配",
      searchCount: "第 {i} / {n} 处", searchMany: "第 {i} / {n}+ 处",
      outputLabel: "标出实体的文本", outputPlaceholder: "选一个示例或输入中文文本，实体会在这里标出。",
      minimapLabel: "文档导航：每段的实体数，按下跳到该段", minimapItem: "第 {i} 段：{n} 个实体",
      markLabel: "{name}：{text}",
      cardType: "类型", cardText: "文本", cardScore: "置信度", cardOffsets: "位置", cardSource: "来源",
      "source.model": "模型", "source.lexicon": "词典", "source.pattern": "规则",
      groupsTitle: "实体列表", groupsHelp: "同名实体合为一项；按下依次定位到文中每一处。",
      groupsEmpty: "还没有实体。", groupsMore: "另有 {n} 项，见下方表格。", groupItem: "{name}：{text}，共 {n} 处",
      groupAt: "{text}：第 {i} / {n} 处",
      tableTitle: "实体表", tableCaption: "按文中顺序列出的实体。位置以 Unicode 码位计，不含结束位置。",
      colType: "类型", colText: "文本", colStart: "起", colEnd: "止", colScore: "置信度",
      rowTitle: "在文中显示", rowsEmpty: "还没有实体。", rowsNone: "没有找到实体。", rowsWaiting: "等待实体…",
      copyJSON: "复制 JSON", copied: "已复制 ✓", downloadJSON: "下载 JSON", downloadJSONL: "JSONL", downloadCSV: "CSV",
      downloadCSVTitle: "UTF-8 CSV（含 BOM，Excel 可直接打开）：text,type,start,end,score,source",
      downloadHF: "transformers 格式", downloadHFTitle: "与 transformers 的 ner 管道（aggregation_strategy）相同的 JSON：entity_group, score, word, start, end",
      share: "分享链接", shareTitle: "把文本和设置放进链接的 # 片段；不发送到任何地方",
      shareCopied: "链接已复制：文本和设置都在链接的 # 片段里，打开时不会发送到任何服务器。",
      shareTooLong: "文本太长，放不进链接：链接需要 {n} 个字符，上限约 {max} 个。请改用下载。",
      copiedStatus: "已将 {n} 个实体以 JSON 复制到剪贴板。", downloadedStatus: "已下载 {n} 个实体（{format}）。",
      copyFailed: "复制失败。", copyFailedDetail: "浏览器拒绝访问剪贴板；请改用下载。",
      analysing: "分析中…", streaming: "流式分析 {n} 字…", streamingParts: "流式分析 {n} 字（分 {parts} 段发送）…",
      entityCount: "{n} 个实体", entityOne: "1 个实体", streamed: "流式", model: "模型 {model}", streamingNow: "流式进行中…",
      progressSoFar: "{pct} % · 已有 {n} 个实体", progressDone: "100 % · {n} 个实体", progressDoneIn: "100 % · {n} 个实体，用时 {ms}",
      metaChars: "{n} 字",
      errIncomplete: "流不完整：", errIncompleteDetail: "服务器报告 {total} 个实体，实际收到 {got} 个。",
      errBadStream: "服务器发来一行不是 JSON 的数据", errStreamFailed: "流式分析失败",
      errStreamCut: "连接在 {pct} % 处中断", errStreamEnded: "流在完成前就结束了",
      errOffline: "离线。", errOfflineDetail: "浏览器没有网络连接；联网后会重新分析。",
      errUnreachable: "无法连接 zhner 服务器。", errUnreachableDetail: "请求在收到答复前失败（{detail}）。每隔几秒重试…",
      errBusy: "服务器繁忙（503）。", errBusyRetry: "{s} 秒后重试（第 {attempt} / {max} 次）…",
      errBusyGaveUp: "重试 {max} 次后仍然繁忙；请按“分析”再试。", statusBusy: "服务器繁忙，{s} 秒后重试",
      errTooLong: "文本太长（413）。", errTooLongLength: "此文本有 {n} 字。", errTooLongHint: "请缩短或拆分。",
      errKey: "需要 API 密钥（401）。", errKeyHint: "请在右上角“API 密钥”处粘贴密钥。",
      errBadRequest: "请求有误（400）。", errTimeout: "超时（504）。", errTimeoutHint: "请换短一些的文本，或再试一次。",
      errConnection: "连接中断。", errConnectionHint: "已显示的标注不完整；请按“分析”重新运行。",
      errHttp: "错误 {status}。", serverSays: "服务器说明：{message}",
      docHelp: "文件太长，不放进文本框编辑（以免页面卡顿）；分析、查找、导出照常。", docInfo: "{kb} KB · {n} 字", docClose: "关闭文档",
      fileOpened: "已打开 {name}（{n} 字）。",
      fileJSONL: "已打开 {name}：{n} 条记录，每行取 text 字段（整行是 JSON 字符串时取整行），一条一段。",
      fileCSV: "已打开 {name}：{n} 行，用的是“{column}”列（第一行是表头），一行一段。",
      fileBadJSONL: "跳过了 {n} 行（第 {lines} 行）：不是 JSON，或没有字符串 text 字段。",
      fileBadCSV: "跳过了 {n} 行（从第 {lines} 行起）：列数不够，或引号没有闭合。",
      errFileEmpty: "文件里没有可读的记录。", errFileEncoding: "不是 UTF-8 文件。",
      errFileEncodingDetail: "{name} 不是 UTF-8 编码（可能是 GBK 或 UTF-16）。请在编辑器里另存为 UTF-8 后再打开。",
      errFileRead: "无法读取文件。", errFileType: "不支持的文件类型。", errFileTypeDetail: "只能打开 .txt、.md、.csv、.jsonl 文本文件。",
      shortcuts: "快捷键：Ctrl+Enter 分析 · / 查找 · 查找框中 Enter / Shift+Enter 下一处 / 上一处 · Esc 关闭卡片并清空查找 · Tab 在控件间移动 · 实体表中 ↑ / ↓ / Home / End 换行，Enter 在文中显示",
      viewsGroup: "视图", viewAnalyse: "分析", viewRedact: "脱敏",
      redactTitle: "脱敏设置", redactHelp: "勾选要脱敏的类型，并为每一类选择处理方式；改动后立即重新脱敏，由本服务器完成。",
      rdTypeTitle: "类型 {type}", rdOperatorFor: "{name}的处理方式", rdKeepFirst: "保留前", rdKeepLast: "保留后", rdTemplate: "模板", rdTemplateHint: "[{type}]",
      "op.replace": "替换为标记", "op.mask": "部分遮盖", "op.hash": "哈希（需服务器密钥）", "op.pseudonym": "化名", "op.keep": "保留原文",
      compareTitle: "原文与脱敏结果", rdOriginal: "原文", rdRedacted: "脱敏后", rdItems: "替换清单",
      rdColOriginal: "原文", rdColReplacement: "替换为", rdColOperator: "方式", rdColOffsets: "位置（原文 → 脱敏后）",
      rdCopy: "复制脱敏文本", rdDownload: "下载脱敏文本", rdCopied: "已将脱敏后的文本复制到剪贴板。", rdDownloaded: "已下载脱敏后的文本。",
      rdPlaceholder: "在文本框输入文本，脱敏结果会显示在这里。", rdNone: "没有需要脱敏的内容。",
      redacting: "脱敏中…", redactSummary: "已替换 {n} 处",
      apiLinks: "API：", offsetsNote: "位置以 Unicode 码位计，不含结束位置。",
      "type.PER": "人名", "type.LOC": "地名", "type.ORG": "机构名", "type.PHONE": "手机号/电话", "type.EMAIL": "邮箱",
      "type.URL": "网址", "type.ID_CARD": "身份证号", "type.BANK_CARD": "银行卡号", "type.DATE": "日期", "type.TIME": "时间",
      "type.MONEY": "金额", "type.PERCENT": "百分比", "type.IP": "IP", "type.PASSPORT": "护照号", "type.PLATE": "车牌号",
      "type.USCC": "统一社会信用代码"
    },
    en: {
      title: "zhner · Chinese named-entity recognition", tagline: "Chinese named-entity recognition · 中文命名实体识别",
      skip: "Skip to the text", langGroup: "Page language", langZh: "中文", langEn: "EN",
      healthTitle: "Server state (GET readyz)", healthChecking: "server: checking…", healthReady: "server: ready",
      healthBusy: "server: busy / loading", healthHttp: "server: HTTP {status}", healthDown: "server: unreachable", healthOffline: "browser offline",
      keyLabel: "API key:", keySet: "set", keyNone: "none", keyTitle: "API key", keyPlaceholder: "paste the server's key",
      keySave: "Save", keyClear: "Clear", keyHelp: "Sent as Authorization: Bearer …; kept in this tab only (sessionStorage).",
      keySaved: "API key saved for this tab.", keyCleared: "API key cleared.",
      textTitle: "Text", samplesGroup: "Sample texts", samples: "Samples:", sampleNews: "News", sampleSocial: "Weibo post 🎉",
      sampleTraditional: "繁體中文", sampleLong: "Long text (stream)", openFile: "Open file…",
      fileHelp: "Open or drop a .txt, .md, .csv or .jsonl file (UTF-8); it is read in this page and sent only to this server for analysis.",
      textPlaceholder: "Type Chinese text, e.g. 张伟在北京的华为公司工作。",
      analyse: "Analyse", live: "Analyse as I type", patternsLabel: "Patterns:", patternsNone: "off", patternsPii: "personal data",
      patternsAll: "all (with dates, money)",
      textHelp: "Entities are found as you type, or with the Analyse button or Control plus Enter. Texts over 2,000 characters are streamed.",
      progressLabel: "Streaming progress", chars: "{n} chars", charsStream: "{n} chars · stream",
      resultTitle: "Entities in the text", legendLabel: "Entity types (press to show or hide)", legendEmpty: "Entity types appear here.",
      legendNone: "No entities found.", chipTitle: "Show or hide {name} ({type})",
      searchPlaceholder: "Find in the text (/)", searchLabel: "Find in the text", searchNone: "no match",
      searchCount: "{i} of {n}", searchMany: "{i} of {n}+",
      outputLabel: "Text with highlighted entities", outputPlaceholder: "Pick a sample or type some Chinese text — entities are highlighted here.",
      minimapLabel: "Document map: entities per section; press to jump there", minimapItem: "Section {i}: {n} entities",
      markLabel: "{name}: {text}",
      cardType: "Type", cardText: "Text", cardScore: "Score", cardOffsets: "Offsets", cardSource: "Source",
      "source.model": "model", "source.lexicon": "lexicon", "source.pattern": "pattern",
      groupsTitle: "Entity list", groupsHelp: "Each name once, with its count; press to step through its places in the text.",
      groupsEmpty: "No entities yet.", groupsMore: "{n} more in the table below.", groupItem: "{name}: {text}, {n} times",
      groupAt: "{text}: {i} of {n}",
      tableTitle: "Entity table", tableCaption: "Entities found, in text order. Offsets are Unicode code points, end exclusive.",
      colType: "Type", colText: "Text", colStart: "Start", colEnd: "End", colScore: "Score",
      rowTitle: "Show in the text", rowsEmpty: "No entities yet.", rowsNone: "No entities found.", rowsWaiting: "Waiting for entities…",
      copyJSON: "Copy JSON", copied: "Copied ✓", downloadJSON: "Download JSON", downloadJSONL: "JSONL", downloadCSV: "CSV",
      downloadCSVTitle: "UTF-8 CSV with a BOM, so Excel opens it: text,type,start,end,score,source",
      downloadHF: "transformers format", downloadHFTitle: "JSON as the transformers ner pipeline (aggregation_strategy) writes it: entity_group, score, word, start, end",
      share: "Share link", shareTitle: "Puts the text and settings in the link's # fragment; nothing is sent anywhere",
      shareCopied: "Link copied: the text and settings are in its # fragment, which is never sent to a server.",
      shareTooLong: "The text is too long for a link: it needs {n} characters, links hold about {max}. Use a download instead.",
      copiedStatus: "Copied {n} entities as JSON to the clipboard.", downloadedStatus: "Downloaded {n} entities ({format}).",
      copyFailed: "Copy failed.", copyFailedDetail: "The browser refused clipboard access; use a download instead.",
      analysing: "Analysing…", streaming: "Streaming {n} characters…", streamingParts: "Streaming {n} characters in {parts} parts…",
      entityCount: "{n} entities", entityOne: "1 entity", streamed: "streamed", model: "model {model}", streamingNow: "streaming…",
      progressSoFar: "{pct} % · {n} entities so far", progressDone: "100 % · {n} entities", progressDoneIn: "100 % · {n} entities in {ms}",
      metaChars: "{n} characters",
      errIncomplete: "Incomplete stream:", errIncompleteDetail: "the server reported {total} entities but sent {got}.",
      errBadStream: "the server sent a line that is not JSON", errStreamFailed: "the stream failed",
      errStreamCut: "the connection broke at {pct} %", errStreamEnded: "the stream ended before it was complete",
      errOffline: "Offline.", errOfflineDetail: "This browser has no network connection; the text will be analysed again when it comes back.",
      errUnreachable: "Cannot reach the zhner server.", errUnreachableDetail: "The request failed before an answer came ({detail}). Checking again every few seconds…",
      errBusy: "Server busy (503).", errBusyRetry: "Retrying in {s} s (attempt {attempt} of {max})…",
      errBusyGaveUp: "Still busy after {max} retries; press Analyse to try again.", statusBusy: "Server busy, retrying in {s} s",
      errTooLong: "Text too long (413).", errTooLongLength: "This text has {n} characters.", errTooLongHint: "Shorten it or split it.",
      errKey: "API key required (401).", errKeyHint: "Paste the key under “API key” at the top right.",
      errBadRequest: "Bad request (400).", errTimeout: "Timed out (504).", errTimeoutHint: "Try a shorter text, or try again.",
      errConnection: "Connection lost.", errConnectionHint: "The highlights shown are partial; press Analyse to run again.",
      errHttp: "Error {status}.", serverSays: "{message}",
      docHelp: "Too long to edit in the text box (the tab would freeze); analysis, find and downloads work as usual.",
      docInfo: "{kb} KB · {n} characters", docClose: "Close document",
      fileOpened: "Opened {name} ({n} characters).",
      fileJSONL: "Opened {name}: {n} records, each line's text field (or the line, if it is a JSON string), one per paragraph.",
      fileCSV: "Opened {name}: {n} rows, column “{column}” (the first row is the header), one per paragraph.",
      fileBadJSONL: "Lines skipped: {n} (line {lines}): not JSON, or no string text field.",
      fileBadCSV: "Rows skipped: {n} (starting on line {lines}): too few columns, or a quote never closed.",
      errFileEmpty: "The file holds no record that could be read.", errFileEncoding: "Not a UTF-8 file.",
      errFileEncodingDetail: "{name} is not UTF-8 (perhaps GBK or UTF-16). Save it as UTF-8 in an editor and open it again.",
      errFileRead: "Cannot read the file.", errFileType: "Unsupported file type.", errFileTypeDetail: "Only .txt, .md, .csv and .jsonl text files open here.",
      shortcuts: "Shortcuts: Ctrl+Enter analyse · / find · Enter / Shift+Enter in the find box: next / previous · Esc closes the card and clears the find box · Tab moves between controls · in the entity table ↑ / ↓ / Home / End move between rows, Enter shows the entity in the text",
      viewsGroup: "View", viewAnalyse: "Analyse", viewRedact: "Redact",
      redactTitle: "Redaction settings", redactHelp: "Tick the types to redact and choose how each is replaced; every change redacts again, on this server.",
      rdTypeTitle: "type {type}", rdOperatorFor: "How to redact {name}", rdKeepFirst: "keep first", rdKeepLast: "keep last", rdTemplate: "template", rdTemplateHint: "[{type}]",
      "op.replace": "replace with a tag", "op.mask": "mask", "op.hash": "hash (needs a server key)", "op.pseudonym": "pseudonym", "op.keep": "keep",
      compareTitle: "Original and redacted", rdOriginal: "Original", rdRedacted: "Redacted", rdItems: "Replacements",
      rdColOriginal: "Original", rdColReplacement: "Replaced by", rdColOperator: "Operator", rdColOffsets: "Offsets (original → redacted)",
      rdCopy: "Copy redacted text", rdDownload: "Download redacted text", rdCopied: "Copied the redacted text to the clipboard.", rdDownloaded: "Downloaded the redacted text.",
      rdPlaceholder: "Type a text in the text box; its redacted version appears here.", rdNone: "Nothing to redact.",
      redacting: "Redacting…", redactSummary: "{n} replaced",
      apiLinks: "API:", offsetsNote: "Offsets are Unicode code points, end exclusive.",
      "type.PER": "Person", "type.LOC": "Location", "type.ORG": "Organization", "type.PHONE": "Phone", "type.EMAIL": "Email",
      "type.URL": "URL", "type.ID_CARD": "ID card no.", "type.BANK_CARD": "Bank card no.", "type.DATE": "Date", "type.TIME": "Time",
      "type.MONEY": "Money", "type.PERCENT": "Percent", "type.IP": "IP", "type.PASSPORT": "Passport no.", "type.PLATE": "Licence plate",
      "type.USCC": "Credit code (USCC)"
    }
  };

  // Sample texts are content, not interface: they stay Chinese in both languages.
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
    text: $("text"), analyse: $("analyse"), live: $("live"), patterns: $("patterns"), count: $("count"),
    file: $("file"), openFile: $("open-file"), inputCard: $("input-card"),
    fileNote: $("file-note"), doc: $("doc"), docName: $("doc-name"), docInfo: $("doc-info"), docClose: $("doc-close"),
    progressWrap: $("progress-wrap"), progress: $("progress"), progressFill: $("progress-fill"), progressLabel: $("progress-label"),
    status: $("status"), error: $("error"), legend: $("legend"), output: $("output"), meta: $("meta"),
    search: $("search"), searchCount: $("search-count"), minimap: $("minimap"), card: $("ent-card"), groups: $("groups"),
    table: $("table"), tableWrap: $("table-wrap"), rows: $("rows"), copy: $("copy"), share: $("share"), exports: document.querySelectorAll("button[data-format]"),
    health: $("health"), healthText: $("health-text"), langs: document.querySelectorAll("button[data-lang]"),
    views: document.querySelectorAll("button[data-view]"), main: $("main"),
    rdTypes: $("rd-types"), rdOriginal: $("rd-original"), rdRedacted: $("rd-redacted"), rdRows: $("rd-rows"),
    rdCopy: $("rd-copy"), rdDownload: $("rd-download"),
    auth: $("auth"), authState: $("auth-state"), key: $("api-key"), keyClear: $("key-clear")
  };

  // ---- State -------------------------------------------------------------------------------
  let seq = 0;                 // number of the latest request; older results are dropped
  let controller = null;       // AbortController of the request in flight
  let debounceTimer = 0, retryTimer = 0, countdownTimer = 0, paintFrame = 0, healthTimer = 0;
  let composing = false;       // an IME composition is in progress (pinyin input): don't analyse half-typed text
  let lastFailedByNetwork = false;
  let result = null;           // { text, chars, entities, model, took_ms, streamed, complete }
  let fileName = "";           // the opened file the text area (or doc) still holds, shown in the meta line
  let fileNote = [];           // [key, vars] messages on how the file was read (records, column, lines skipped)
  let doc = null;              // { text, bytes }: a file over DOCUMENT_CHARS, shown read-only instead of the text area
  let health = ["unknown", "healthChecking", {}];  // state and message of the last readyz check, repainted on a language switch
  let mode = "analyse";        // the view: "analyse" (entities) or "redact" (the text with them replaced)
  let redaction = null;        // { text, chars, redacted, items, took_ms }: the last /v1/redact answer shown
  let shownOnly = null;        // from a share link: types not listed start hidden when first seen
  const hiddenTypes = new Set();
  const seenTypes = new Set(); // every type seen this session, so the legend does not jump around

  // ---- Language ----------------------------------------------------------------------------
  // A stored choice wins; else the browser's first preferred language we have; else Chinese.
  function pickLanguage() {
    const saved = localStorage.getItem(LANG_STORAGE);
    if (saved && MESSAGES[saved]) return saved;
    for (const tag of navigator.languages || [navigator.language]) {
      const base = String(tag).toLowerCase().split("-")[0];
      if (MESSAGES[base]) return base;
    }
    return "zh";
  }
  let lang = pickLanguage();

  function t(key, vars) {
    const s = MESSAGES[lang][key] ?? key;
    return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
  }
  function typeName(type) { return MESSAGES[lang]["type." + type] || type; }

  // Fills index.html's static text; dynamic text is repainted by the code that owns it.
  function applyLanguage() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const attr of ["placeholder", "title", "aria-label"]) {
      for (const node of document.querySelectorAll("[data-i18n-" + attr + "]")) node.setAttribute(attr, t(node.getAttribute("data-i18n-" + attr)));
    }
    for (const b of el.langs) b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
  }

  function setLanguage(next) {
    lang = next;
    localStorage.setItem(LANG_STORAGE, next);
    applyLanguage();
    refreshKeyState();
    updateCount();
    paintDoc();
    paintFileNote();
    setHealth(...health);
    clearError();
    paint();
    paintRedactTypes();
    paintRedaction();
    if (mode === "redact") setStatus(redaction ? redactSummary() : "");
    else if (result && result.complete) setStatus(summary()); else setStatus("");
  }

  // ---- Small helpers -----------------------------------------------------------------------
  function inputText() { return doc ? doc.text : el.text.value; }  // what analysis, counts and links use
  const codePoints = (s) => Array.from(s);
  function cpLength(s) { let n = 0; for (const _ of s) n++; return n; }
  function fmtInt(n) { return n.toLocaleString(lang === "zh" ? "zh-CN" : "en-US"); }
  function fmtMs(ms) { return typeof ms !== "number" ? "" : (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : String(Math.round(ms))) + " ms"; }
  function fmtScore(s) { return typeof s === "number" ? s.toFixed(4) : "–"; }
  function entityCount(n) { return t(n === 1 ? "entityOne" : "entityCount", { n: fmtInt(n) }); }
  // Server messages are lower-case English fragments ("text is 88 characters; …"): make them a sentence.
  function sentence(m) { m = String(m || "").trim(); return m ? m[0].toUpperCase() + m.slice(1) + (/[.!?。！？]$/.test(m) ? "" : ".") : ""; }
  function serverSays(m) { return t("serverSays", { message: sentence(m) }); }
  const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
  function scrollBehaviour() { return reducedMotion.matches ? "auto" : "smooth"; }

  function hash32(s) {  // FNV-1a: the same type name always gets the same colour
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h;
  }
  function colourOf(type) { return FIXED_COLOURS[type] || PALETTE[hash32(type) % PALETTE.length]; }
  // One style rule per type rather than inline styles on each of a document's tens of thousands of marks,
  // whose recalculation was most of a 1 MB paint. CSSOM rules are allowed under the page's CSP.
  const typeSheet = new CSSStyleSheet(), colouredTypes = new Set();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, typeSheet];
  function colourType(type) {
    if (colouredTypes.has(type)) return;
    colouredTypes.add(type);
    const c = colourOf(type), sel = '[data-type="' + CSS.escape(type) + '"]';
    // the same colour at 18 % alpha, as 8-digit hex
    typeSheet.insertRule([".ent", ".tag", ".chip", ".group", ".rd-type"].map((k) => k + sel).join(", ") + " { --c: " + c + "; --cb: " + c + "2e; }");
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

  function outputOf() { return mode === "redact" ? el.rdRedacted : el.output; }  // what the current view's request fills
  function setState(state) { const out = outputOf(); out.dataset.state = state; out.setAttribute("aria-busy", String(state === "loading" || state === "streaming")); }
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

  // The body of the entity routes: "patterns" is sent only when asked for, so it stays the plain {text} by default.
  function entityRequest(text) { return el.patterns.value === "none" ? { text } : { text, patterns: el.patterns.value }; }
  async function post(path, body, accept, signal) {
    const res = await fetch(path, { method: "POST", headers: headers(accept), body: JSON.stringify(body), signal, cache: "no-store" });
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
    const text = inputText();
    const my = ++seq;
    if (!text.trim()) {
      result = redaction = null; clearError(); el.progressWrap.hidden = true; setStatus("");
      paint(); paintRedaction(); setState("idle"); return;
    }
    controller = new AbortController();
    run(my, text, controller.signal, 1);
  }

  async function run(my, text, signal, attempt) {
    const chars = codePoints(text);
    const stream = mode === "analyse" && chars.length > STREAM_THRESHOLD;
    clearError();
    setState("loading");
    outputOf().dataset.stale = "true";
    if (stream) {
      const parts = splitParts(chars);
      setStatus(parts.length > 1 ? t("streamingParts", { n: fmtInt(chars.length), parts: parts.length }) : t("streaming", { n: fmtInt(chars.length) }), "busy");
      setProgress(0, "0 %");
    } else {
      setStatus(t(mode === "redact" ? "redacting" : "analysing"), "busy");
      el.progressWrap.hidden = true;
    }
    try {
      await (mode === "redact" ? runRedaction : stream ? runStream : runOnce)(my, text, chars, signal);
      lastFailedByNetwork = false;
    } catch (err) {
      if (my !== seq || (err && err.name === "AbortError")) return;  // superseded: say nothing
      handleFailure(err, my, text, attempt);
    }
  }

  async function runOnce(my, text, chars, signal) {
    const res = await post("v1/entities", entityRequest(text), "application/json", signal);
    const body = await res.json();
    if (my !== seq) return;  // a newer request started while this one was in flight
    result = { text, chars, entities: body.entities || [], model: body.model, took_ms: body.took_ms, streamed: false, complete: true };
    paint();
    await whenPainted();
    if (my !== seq) return;
    setState("done");
    setStatus(summary(), "");
  }

  // Cuts a long text into parts the server accepts, at the last paragraph (else sentence) end before the
  // limit. The model reads sentences on their own, so the parts' entities are the whole text's.
  function splitParts(chars) {
    const parts = [];
    for (let start = 0; start < chars.length;) {
      let end = Math.min(chars.length, start + PART_CHARS);
      if (end < chars.length) {
        const cut = (sep) => { for (let i = end - 1; i > start + PART_CHARS / 2; i--) if (sep.includes(chars[i])) return i + 1; return 0; };
        end = cut("\n") || cut("。！？!?") || end;
      }
      parts.push({ start, text: chars.slice(start, end).join("") });
      start = end;
    }
    return parts;
  }

  async function runStream(my, text, chars, signal) {
    const parts = splitParts(chars), requests = [];
    const request = (i) => {
      if (i >= parts.length || requests[i]) return;
      requests[i] = post("v1/entities/stream", entityRequest(parts[i].text), "application/x-ndjson", signal);
      requests[i].catch(() => {});  // a failure is thrown where the part is awaited, in order
    };
    for (let i = 0; i < PARTS_IN_FLIGHT; i++) request(i);
    await requests[0];
    if (my !== seq) return;
    result = { text, chars, entities: [], model: undefined, took_ms: 0, streamed: true, complete: false };
    paint();  // the plain text at once; highlights follow as pieces arrive
    setState("streaming");
    for (let i = 0; i < parts.length; i++) {
      request(i + PARTS_IN_FLIGHT - 1);
      const response = await requests[i];
      if (my !== seq) return;
      await readStream(my, response, parts[i].start, chars.length, i === parts.length - 1);
      if (my !== seq) return;
    }
    await whenPainted();
    if (my !== seq) return;
    setState("done");
    setStatus(summary(), "");
  }

  // Reads one part's NDJSON; `offset` moves its code-point offsets into the whole text's.
  async function readStream(my, res, offset, total, last) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "", done = false, got = 0;
    const handle = (line) => {
      if (!line.trim()) return;
      let msg;
      try { msg = JSON.parse(line); } catch (_) { throw new ApiError(0, "bad_stream", t("errBadStream"), 0); }
      if (msg.error) throw new ApiError(500, msg.error.code || "stream_error", msg.error.message || t("errStreamFailed"), 0);
      if (Array.isArray(msg.entities)) {
        const ents = offset ? msg.entities.map((e) => Object.assign({}, e, { start: e.start + offset, end: e.end + offset })) : msg.entities;
        got += ents.length;
        result.entities.push(...ents);
        enqueue(ents);
      }
      if (msg.model) result.model = msg.model;
      if (msg.done) {
        done = true;
        if (typeof msg.took_ms === "number") result.took_ms += msg.took_ms;
        if (typeof msg.entities_total === "number" && msg.entities_total !== got) {
          showError([t("errIncomplete"), t("errIncompleteDetail", { total: msg.entities_total, got })], "warn");
        }
        if (last) {
          result.complete = true;
          const n = fmtInt(result.entities.length);
          setProgress(1, result.took_ms ? t("progressDoneIn", { n, ms: fmtMs(result.took_ms) }) : t("progressDone", { n }));
        }
      } else if (typeof msg.processed === "number" && msg.total > 0) {
        const fraction = (offset + msg.processed) / total;  // processed counts within this part
        setProgress(Math.min(fraction, 0.999), t("progressSoFar", { pct: Math.floor(100 * Math.min(fraction, 0.999)), n: fmtInt(result.entities.length) }));
      }
    };
    for (;;) {
      let chunk;
      try { chunk = await reader.read(); } catch (err) {
        if (err && err.name === "AbortError") throw err;
        // The connection broke mid-stream: what was painted stays, marked partial.
        throw new ApiError(0, "stream_cut", t("errStreamCut", { pct: el.progress.getAttribute("aria-valuenow") }), 0);
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
    if (!done) throw new ApiError(0, "stream_cut", t("errStreamEnded"), 0);
  }

  function summary() {
    return [entityCount(result.entities.length), result.took_ms ? fmtMs(result.took_ms) : "", result.streamed ? t("streamed") : "", result.model || ""]
      .filter(Boolean).join(" · ");
  }

  function handleFailure(err, my, text, attempt) {
    // Whatever is painted belongs to an earlier text unless this was a stream cut short: dim it.
    outputOf().dataset.stale = String(mode === "redact" ? !!redaction && redaction.text !== text : !!result && result.text !== text);
    setState(err instanceof ApiError && err.status === 503 && attempt <= MAX_BUSY_RETRIES ? "retrying" : "error");
    if (!(err instanceof ApiError)) {
      // fetch rejects with a TypeError when the server cannot be reached at all.
      lastFailedByNetwork = true;
      if (!navigator.onLine) showError([t("errOffline"), t("errOfflineDetail")]);
      else showError([t("errUnreachable"), t("errUnreachableDetail", { detail: err && err.message || "network error" })]);
      setStatus("");
      el.progressWrap.hidden = true;
      setHealth("down", "healthDown");
      watchHealth();
      return;
    }
    el.error.dataset.code = String(err.status);
    switch (err.status) {
      case 503: {
        if (attempt > MAX_BUSY_RETRIES) {
          showError([t("errBusy"), t("errBusyGaveUp", { max: MAX_BUSY_RETRIES })]);
          setStatus(""); return;
        }
        // Honour Retry-After, with a visible countdown; typing or a new request cancels the retry.
        let left = err.retryAfter;
        const say = () => {
          showError([t("errBusy"), t("errBusyRetry", { s: left, attempt, max: MAX_BUSY_RETRIES })], "warn");
          setStatus(t("statusBusy", { s: left }), "busy");
        };
        say();
        countdownTimer = setInterval(() => { left = Math.max(0, left - 1); say(); }, 1000);
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
        const n = cpLength(text), msg = serverSays(err.message);
        showError([t("errTooLong"), msg + (msg.includes(String(n)) ? "" : " " + t("errTooLongLength", { n: fmtInt(n) })) + " " + t("errTooLongHint")]);
        break;
      }
      case 401:
        showError([t("errKey"), serverSays(err.message) + " " + t("errKeyHint")]);
        el.auth.open = true; el.key.focus();
        break;
      case 400:
        showError([t("errBadRequest"), serverSays(err.message)]);
        break;
      case 504:
        showError([t("errTimeout"), serverSays(err.message) + " " + t("errTimeoutHint")]);
        break;
      case 0:
        showError([t("errConnection"), sentence(err.message) + " " + t("errConnectionHint")]);
        break;
      default:
        showError([t("errHttp", { status: err.status }), serverSays(err.message)]);
    }
    setStatus("");
    if (err.status !== 0) el.progressWrap.hidden = true;
  }

  // ---- Painting ----------------------------------------------------------------------------
  // The output is a run of line-aligned chunks (<div class="chunk">, CSS content-visibility: auto, so the
  // browser lays out only those on screen), each [text, mark, text, …, tail]. Entities wait in `queue` (text
  // order) and are painted in frames of FRAME_BUDGET_MS: a frame splices its marks in before their chunk's
  // tail text node, so a 1 MB document neither freezes the tab nor is rebuilt or re-laid out per piece.
  const CHUNK_CHARS = 2000;     // a chunk closes at the first line end after this many code points
  let view = null;      // what the output shows: { result, chunks, ci, cursor, cursor16, n, counts, entities, marks, groups, current }
  let queue = [], queueAt = 0, lastQueued = -1;
  let paintWaiters = [];

  function makeChunks(result) {
    const chars = result.chars, chunks = [];
    for (let start = 0, start16 = 0; start < chars.length || !chunks.length;) {
      let end = Math.min(chars.length, start + CHUNK_CHARS);
      while (end < chars.length && chars[end - 1] !== "\n") end++;  // a chunk is a block: cutting a line would break it
      const text = chars.slice(start, end).join(""), tail = document.createTextNode(text);
      chunks.push({ start, end, start16, end16: start16 + text.length, tail, node: h("div", { class: "chunk" }, tail) });
      start = end; start16 += text.length;
    }
    return chunks;
  }

  function paint() {
    cancelAnimationFrame(paintFrame); paintFrame = 0;
    queue = []; queueAt = 0; lastQueued = -1;
    hideCard();
    el.output.dataset.stale = "false";
    if (!result) {
      view = null;
      el.output.replaceChildren(h("span", { class: "placeholder" }, t("outputPlaceholder")));
      finishPaint(true);
      settlePaint();
      return;
    }
    view = { result, chunks: makeChunks(result), ci: 0, cursor: 0, cursor16: 0, n: 0, counts: {},
             entities: [], marks: [], groups: new Map(), current: null, tableRows: [] };
    el.output.replaceChildren(...view.chunks.map((c) => c.node));
    el.tableWrap.scrollTop = 0;
    finishPaint(true);
    enqueue(result.entities);
    if (!paintFrame) settlePaint();
  }

  // Queues entities for painting; malformed ones are dropped. One that starts before those already queued
  // (never from the server, whose pieces come in order) restarts the paint from the sorted whole.
  function enqueue(list) {
    const n = view.result.chars.length;
    const ents = list.filter((e) => Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.end <= n && e.start < e.end)
      .sort((a, b) => a.start - b.start || b.end - a.end);
    if (!ents.length) return;
    if (ents[0].start < lastQueued) { paint(); return; }
    for (const e of ents) queue.push(e);
    lastQueued = ents[ents.length - 1].start;
    if (!paintFrame) paintFrame = requestAnimationFrame(pump);
  }

  // A chunk's tail is its text after the cursor (none once the cursor has passed its end).
  function trimTail(c) { c.tail.data = view.result.text.slice(Math.max(view.cursor16, c.start16), c.end16); }

  function pump() {
    paintFrame = 0;
    if (!view) return;
    const deadline = performance.now() + FRAME_BUDGET_MS;
    const chars = view.result.chars, chunks = view.chunks;
    let text = document.createDocumentFragment();
    for (let k = 0; queueAt < queue.length && (++k % 64 || performance.now() < deadline);) {
      const e = queue[queueAt++];
      if (e.start < view.cursor) continue;  // overlaps the entity before it: skipped rather than breaking the text
      while (e.start >= chunks[view.ci].end) {  // the entity lies in a later chunk: this one keeps the rest as its tail
        chunks[view.ci].tail.before(text); text = document.createDocumentFragment();
        trimTail(chunks[view.ci]);
        const next = chunks[++view.ci];
        if (view.cursor < next.start) { view.cursor = next.start; view.cursor16 = next.start16; }
      }
      if (e.start > view.cursor) {
        const gap = chars.slice(view.cursor, e.start).join("");
        text.append(gap);
        view.cursor16 += gap.length;
      }
      const word = chars.slice(e.start, e.end).join("");
      const i = view.entities.push(e) - 1;
      if (!seenTypes.has(e.type)) {
        seenTypes.add(e.type);
        if (shownOnly && !shownOnly.has(e.type)) hiddenTypes.add(e.type);
      }
      const mark = markOf(e, i, word);
      view.marks.push(mark);
      text.append(mark);
      if (!hiddenTypes.has(e.type)) view.tableRows.push(i);
      view.n++;
      view.counts[e.type] = (view.counts[e.type] || 0) + 1;
      const key = e.type + "\u0000" + word;
      const group = view.groups.get(key) || { key, type: e.type, text: word, start: e.start, marks: [], at: -1 };
      group.marks.push(mark);
      view.groups.set(key, group);
      view.cursor = e.end;
      view.cursor16 += word.length;
      // A rare entity across a line end runs into the next chunks: their text must not show twice.
      for (let j = view.ci + 1; j < chunks.length && chunks[j].start < view.cursor; j++) trimTail(chunks[j]);
    }
    chunks[view.ci].tail.before(text);
    trimTail(chunks[view.ci]);
    if (queueAt >= queue.length) { queue = []; queueAt = 0; }
    finishPaint(false);
    // A stream that drains the queue mid-way is not settled: that would rebuild the lists every frame.
    if (queue.length) paintFrame = requestAnimationFrame(pump); else if (view.result.complete || paintWaiters.length) settlePaint();
  }

  // Resolves once everything queued is painted and the lists, map and search are complete (state "done"
  // waits for it, so tests and users see it all).
  function whenPainted() {
    return new Promise((resolve) => {
      paintWaiters.push(resolve);
      if (!paintFrame && !queue.length) settlePaint();
    });
  }
  function settlePaint() {
    const waiting = paintWaiters; paintWaiters = [];
    paintLists(true);
    paintMinimap();
    runSearch(false);
    for (const resolve of waiting) resolve();
  }

  function markOf(e, i, word) {
    const hidden = hiddenTypes.has(e.type);
    const mark = h("mark", {
      class: "ent" + (hidden ? " off" : ""),
      dataset: { type: e.type, start: String(e.start), end: String(e.end), score: String(e.score), source: e.source || "model", label: typeName(e.type), i: String(i) }
    }, word);
    if (!hidden) mark.setAttribute("aria-label", t("markLabel", { name: typeName(e.type), text: word }));
    colourType(e.type);
    return mark;
  }

  // After a paint starts (full: every control, e.g. in a new language) and after each frame of it (the
  // counts, and the lists at most every LISTS_REFRESH_MS).
  function finishPaint(full) {
    if (!view) {
      el.meta.textContent = "";
    } else {
      const meta = [fileName, t("metaChars", { n: fmtInt(result.chars.length) }), result.model ? t("model", { model: result.model }) : "",
        result.took_ms ? fmtMs(result.took_ms) : "", result.streamed && !result.complete ? t("streamingNow") : ""].filter(Boolean).join(" · ");
      if (el.meta.textContent !== meta) el.meta.textContent = meta;
    }
    paintLegend(full);
    paintLists(full);
    const ready = !!view && result.complete;
    el.copy.disabled = el.share.disabled = !ready;
    for (const b of el.exports) b.disabled = !ready;
  }

  // ---- Entity table -------------------------------------------------------------------------
  // Windowed: only the rows in and near the table's scroll view exist, between two spacer rows as tall as
  // the rows left out. A long document has tens of thousands of entities, and a table lays out all its rows
  // again whenever one is added (that was most of a 1 MB paint, and its longest stalls).
  const ROWS_AROUND = 25;  // rows kept above and below the visible ones, so scrolling rarely shows a gap
  let rowPx = 0;           // one row's height, measured once rows exist (they are one line each)
  let tableWindow = "";
  function paintTable(force) {
    const list = view ? view.tableRows : [];
    if (!list.length) {
      tableWindow = "";
      el.table.removeAttribute("aria-rowcount");
      const key = !view ? "rowsEmpty" : view.n || result.complete ? "rowsNone" : "rowsWaiting";
      el.rows.replaceChildren(h("tr", { class: "empty-row placeholder" }, h("td", { colspan: "6" }, t(key))));
      return;
    }
    const px = rowPx || 34;
    const first = Math.max(0, Math.floor(el.tableWrap.scrollTop / px) - ROWS_AROUND);
    const last = Math.min(list.length, first + Math.ceil(Math.max(el.tableWrap.clientHeight, 340) / px) + 2 * ROWS_AROUND);
    const painted = first + ":" + last + ":" + list.length;
    if (!force && painted === tableWindow) return;
    tableWindow = painted;
    const focused = el.rows.contains(document.activeElement) ? document.activeElement.dataset.i : null;
    const spacer = (n) => { const tr = h("tr", { class: "spacer", "aria-hidden": "true" }, h("td", { colspan: "6" })); tr.style.height = n * px + "px"; return tr; };
    const rows = list.slice(first, last).map((i, k) => tableRow(view.entities[i], i, first + k));
    el.table.setAttribute("aria-rowcount", String(list.length + 1));  // the header row counts
    el.rows.replaceChildren(...(first ? [spacer(first)] : []), ...rows, ...(last < list.length ? [spacer(list.length - last)] : []));
    if (!rowPx && rows[0].offsetHeight) { rowPx = rows[0].offsetHeight; paintTable(true); }
    if (focused !== null) el.rows.querySelector('tr[data-i="' + focused + '"]')?.focus();
  }
  let tableFrame = 0;
  el.tableWrap.addEventListener("scroll", () => { if (!tableFrame) tableFrame = requestAnimationFrame(() => { tableFrame = 0; paintTable(false); }); });

  function tableRow(e, i, at) {  // entity i, the table's row `at` (0-based, below the header)
    const word = view.marks[i].textContent;
    const tag = h("span", { class: "tag", title: e.type, dataset: { type: e.type } }, typeName(e.type));
    colourType(e.type);
    const score = typeof e.score === "number" ? e.score : 0;
    const bar = h("span", { class: "scorebar", "aria-hidden": "true" }, h("i", {}));
    bar.firstChild.style.width = Math.round(Math.max(0, Math.min(1, score)) * 100) + "%";
    return h("tr", {
      tabindex: "0", "aria-rowindex": String(at + 2),
      dataset: { type: e.type, start: String(e.start), end: String(e.end), i: String(i) }, title: t("rowTitle")
    },
      h("td", { class: "num" }, String(i + 1)),
      h("td", {}, tag),
      h("td", { class: "text" }, word),
      h("td", { class: "num" }, String(e.start)),
      h("td", { class: "num" }, String(e.end)),
      h("td", { class: "score" }, fmtScore(e.score), bar));
  }

  // Makes a mark the current one: outlined, scrolled to and described by the entity card.
  function setCurrent(mark) {
    if (view.current) view.current.classList.remove("current");
    view.current = mark;
    mark.classList.add("current");
    mark.scrollIntoView({ block: "center", behavior: scrollBehaviour() });
    showCard(mark);
  }

  // Clicking (or Enter on) a row makes its highlight current and flashes it.
  function revealRow(row) {
    const mark = view && view.marks[Number(row.dataset.i)];
    if (!mark) return;
    setCurrent(mark);
    mark.classList.remove("flash"); void mark.offsetWidth; mark.classList.add("flash");
  }
  el.rows.addEventListener("click", (e) => { const row = e.target.closest("tr[data-start]"); if (row) revealRow(row); });
  // Arrow keys, Home and End move the focus through every row, also those the window has not made yet.
  const ROW_KEYS = { ArrowDown: (p) => p + 1, ArrowUp: (p) => p - 1, Home: () => 0, End: (p, n) => n - 1 };
  el.rows.addEventListener("keydown", (e) => {
    const row = e.target.closest("tr[data-start]");
    if (!row) return;
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); revealRow(row); return; }
    if (!ROW_KEYS[e.key]) return;
    e.preventDefault();
    const n = view.tableRows.length, p = Math.max(0, Math.min(n - 1, ROW_KEYS[e.key](Number(row.getAttribute("aria-rowindex")) - 2, n)));
    let next = el.rows.querySelector('tr[aria-rowindex="' + (p + 2) + '"]');
    if (!next) { el.tableWrap.scrollTop = p * (rowPx || 34) - el.tableWrap.clientHeight / 2; paintTable(true); next = el.rows.querySelector('tr[aria-rowindex="' + (p + 2) + '"]'); }
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  });

  function updateCount() {
    const n = cpLength(inputText());
    const stream = n > STREAM_THRESHOLD;
    el.count.textContent = t(stream ? "charsStream" : "chars", { n: fmtInt(n) });
    el.count.dataset.stream = String(stream);
  }

  // ---- Legend and type toggles -------------------------------------------------------------
  function paintLegend(full) {
    const counts = view ? view.counts : {};
    const types = [...seenTypes].sort(compareTypes);
    if (!types.length) { el.legend.replaceChildren(h("li", { class: "empty" }, t(result ? "legendNone" : "legendEmpty"))); return; }
    const chips = el.legend.querySelectorAll("button.chip");
    if (!full && chips.length === types.length && types.every((type, i) => chips[i].dataset.type === type)) {
      for (const chip of chips) {  // the same chips: only their counts change
        const n = String(counts[chip.dataset.type] || 0);
        if (chip.dataset.count !== n) { chip.dataset.count = n; chip.lastChild.textContent = n; }
      }
      return;
    }
    const focused = document.activeElement && el.legend.contains(document.activeElement) ? document.activeElement.dataset.type : null;
    el.legend.replaceChildren(...types.map((type) => {
      const n = counts[type] || 0;
      const chip = h("button", {
        type: "button", class: "chip", "aria-pressed": String(!hiddenTypes.has(type)),
        dataset: { type, count: String(n) }, title: t("chipTitle", { name: typeName(type), type })
      }, h("span", { class: "sw", "aria-hidden": "true" }), h("span", { class: "t" }, typeName(type)), h("span", { class: "n" }, String(n)));
      colourType(type);
      chip.addEventListener("click", () => toggleType(type));
      return h("li", {}, chip);
    }));
    if (focused) { const again = el.legend.querySelector('button[data-type="' + CSS.escape(focused) + '"]'); if (again) again.focus(); }
  }

  // Hiding a type re-classes what is painted instead of repainting, which a 1 MB document could not afford.
  function toggleType(type) {
    const off = !hiddenTypes.has(type);
    if (off) hiddenTypes.add(type); else hiddenTypes.delete(type);
    const sel = '[data-type="' + CSS.escape(type) + '"]';
    for (const mark of el.output.querySelectorAll("mark.ent" + sel)) {
      mark.classList.toggle("off", off);
      if (off) mark.removeAttribute("aria-label");
      else mark.setAttribute("aria-label", t("markLabel", { name: typeName(type), text: mark.textContent }));
    }
    for (const node of el.groups.querySelectorAll("li" + sel)) node.classList.toggle("off", off);
    if (view) { view.tableRows = view.entities.flatMap((e, i) => (hiddenTypes.has(e.type) ? [] : [i])); paintTable(true); }
    if (off && view && view.current && view.current.dataset.type === type) { view.current.classList.remove("current"); view.current = null; hideCard(); }
    const chip = el.legend.querySelector("button.chip" + sel);  // updated in place, so it keeps the focus
    if (chip) chip.setAttribute("aria-pressed", String(!off));
  }

  // ---- Entity list -------------------------------------------------------------------------
  // One button per distinct (type, text), most frequent first; pressing it steps through its places.
  // The table's rows and the entity list, at most every LISTS_REFRESH_MS unless forced.
  let listsPaintedAt = 0;
  function paintLists(force) {
    if (view && view.groups.size && !force && performance.now() - listsPaintedAt < LISTS_REFRESH_MS) return;
    listsPaintedAt = performance.now();
    paintTable(force);
    paintGroups();
  }
  function paintGroups() {
    if (!view || !view.groups.size) {
      el.groups.replaceChildren(h("li", { class: "empty" }, t(view && result.complete ? "legendNone" : "groupsEmpty")));
      return;
    }
    const focused = document.activeElement && el.groups.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    const all = [...view.groups.values()].sort((a, b) => b.marks.length - a.marks.length || a.start - b.start);
    const items = all.slice(0, GROUPS_SHOWN).map((g) => {
      const b = h("button", {
        type: "button", class: "group", dataset: { key: g.key, type: g.type, text: g.text, count: String(g.marks.length) },
        title: typeName(g.type) + " (" + g.type + ")", "aria-label": t("groupItem", { name: typeName(g.type), text: g.text, n: g.marks.length })
      }, h("span", { class: "sw", "aria-hidden": "true" }), h("span", { class: "t" }, g.text), h("span", { class: "n" }, "×" + g.marks.length));
      colourType(g.type);
      return h("li", { class: hiddenTypes.has(g.type) ? "off" : "", dataset: { type: g.type } }, b);
    });
    if (all.length > GROUPS_SHOWN) items.push(h("li", { class: "empty" }, t("groupsMore", { n: fmtInt(all.length - GROUPS_SHOWN) })));
    el.groups.replaceChildren(...items);
    if (focused) { const again = el.groups.querySelector('button[data-key="' + CSS.escape(focused) + '"]'); if (again) again.focus(); }
  }
  el.groups.addEventListener("click", (e) => {
    const b = e.target.closest("button.group");
    const g = b && view && view.groups.get(b.dataset.key);
    if (!g) return;
    g.at = (g.at + 1) % g.marks.length;
    b.dataset.at = String(g.at + 1);
    setCurrent(g.marks[g.at]);
    setStatus(t("groupAt", { text: g.text, i: g.at + 1, n: g.marks.length }));
  });

  // ---- Entity card -------------------------------------------------------------------------
  // Type, text, score, offsets and source of the mark under the pointer or the current one.
  function showCard(mark) {
    const e = view && view.entities[Number(mark.dataset.i)];
    if (!e) return;
    const rows = [
      ["cardType", typeName(e.type) + " (" + e.type + ")"], ["cardText", mark.textContent], ["cardScore", fmtScore(e.score)],
      ["cardOffsets", "[" + e.start + ", " + e.end + ")"], ["cardSource", t("source." + (e.source || "model"))]
    ];
    el.card.replaceChildren(h("dl", {}, ...rows.flatMap(([k, v]) => [h("dt", {}, t(k)), h("dd", { dataset: { field: k } }, v)])));
    el.card.dataset.i = mark.dataset.i;
    el.card.hidden = false;
    placeCard();
  }
  function placeCard() {
    const mark = !el.card.hidden && view && view.marks[Number(el.card.dataset.i)];
    if (!mark) return;
    const r = mark.getBoundingClientRect(), w = el.card.offsetWidth, hgt = el.card.offsetHeight;
    el.card.style.left = Math.max(4, Math.min(r.left, innerWidth - w - 4)) + "px";
    el.card.style.top = (r.bottom + 6 + hgt < innerHeight ? r.bottom + 6 : Math.max(4, r.top - hgt - 6)) + "px";
  }
  function hideCard() { el.card.hidden = true; delete el.card.dataset.i; }
  el.output.addEventListener("mouseover", (e) => { const mark = e.target.closest("mark.ent"); if (mark) showCard(mark); });
  el.output.addEventListener("mouseout", (e) => {
    if (e.target.closest("mark.ent") && !(e.relatedTarget && e.relatedTarget.closest && e.relatedTarget.closest("mark.ent"))) {
      if (view && view.current) showCard(view.current); else hideCard();
    }
  });
  // Scrolling moves the mark under a fixed card: follow it (at most once a frame).
  let placeFrame = 0;
  addEventListener("scroll", () => { if (!placeFrame) placeFrame = requestAnimationFrame(() => { placeFrame = 0; placeCard(); }); }, true);

  // ---- Search ------------------------------------------------------------------------------
  // Matches are painted with the CSS Custom Highlight API (::highlight), so the marks and text nodes
  // stay exactly as painted; the ranges are rebuilt whenever a paint settles.
  let search = { ranges: [], at: -1 };
  function textIndex() {  // the output's text nodes with their UTF-16 start in result.text
    const nodes = [], starts = [];
    const walker = document.createTreeWalker(el.output, NodeFilter.SHOW_TEXT);
    for (let pos = 0, node; (node = walker.nextNode());) { nodes.push(node); starts.push(pos); pos += node.data.length; }
    return { nodes, starts };
  }
  function locate(index, pos, isEnd) {  // the text node holding UTF-16 position pos (an end may sit at a node's end)
    let lo = 0, hi = index.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (isEnd ? index.starts[mid] < pos : index.starts[mid] <= pos) lo = mid; else hi = mid - 1;
    }
    return [index.nodes[lo], pos - index.starts[lo]];
  }
  function runSearch(jump) {
    const q = el.search.value;
    search = { ranges: [], at: -1, more: false };
    if (window.CSS && CSS.highlights) { CSS.highlights.delete("search"); CSS.highlights.delete("search-current"); }
    if (!q || !view) { el.searchCount.textContent = ""; return; }
    const index = textIndex(), text = view.result.text;
    for (let at = text.indexOf(q); at >= 0; at = text.indexOf(q, at + q.length)) {
      if (search.ranges.length === SEARCH_MAX_MATCHES) { search.more = true; break; }
      const range = new Range();
      range.setStart(...locate(index, at, false));
      range.setEnd(...locate(index, at + q.length, true));
      search.ranges.push(range);
    }
    if (!search.ranges.length) { el.searchCount.textContent = t("searchNone"); return; }
    if (window.Highlight) CSS.highlights.set("search", new Highlight(...search.ranges));
    stepSearch(jump ? 1 : 0, jump);
  }
  function stepSearch(delta, scroll) {
    const n = search.ranges.length;
    if (!n) return;
    search.at = ((search.at < 0 ? 0 : search.at + delta) % n + n) % n;
    const range = search.ranges[search.at];
    if (window.Highlight) CSS.highlights.set("search-current", new Highlight(range));
    el.searchCount.textContent = t(search.more ? "searchMany" : "searchCount", { i: fmtInt(search.at + 1), n: fmtInt(n) });
    el.output.dataset.searchAt = String(search.at);
    if (!scroll) return;
    el.output.scrollIntoView({ block: "nearest", behavior: scrollBehaviour() });
    const r = range.getBoundingClientRect(), box = el.output.getBoundingClientRect();
    el.output.scrollBy({ top: r.top - box.top - box.height / 2, behavior: scrollBehaviour() });
  }
  el.search.addEventListener("input", () => runSearch(true));
  el.search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); stepSearch(e.shiftKey ? -1 : 1, true); }
  });

  // ---- Document map ------------------------------------------------------------------------
  // For long texts: the text in MINIMAP_SEGMENTS equal slices, each a button sized by its entity count.
  function paintMinimap() {
    if (!view || view.result.chars.length <= STREAM_THRESHOLD || !view.entities.length) { el.minimap.hidden = true; el.minimap.replaceChildren(); return; }
    const size = Math.ceil(view.result.chars.length / MINIMAP_SEGMENTS), counts = new Array(MINIMAP_SEGMENTS).fill(0), first = [];
    view.entities.forEach((e, i) => { const s = Math.floor(e.start / size); counts[s]++; if (first[s] === undefined) first[s] = i; });
    const max = Math.max(...counts);
    el.minimap.replaceChildren(...counts.map((n, s) => {
      const b = h("button", { type: "button", dataset: { segment: String(s), count: String(n), first: String(first[s] ?? "") },
        "aria-label": t("minimapItem", { i: s + 1, n }), title: t("minimapItem", { i: s + 1, n }) }, h("i", { "aria-hidden": "true" }));
      b.firstChild.style.width = Math.round(100 * n / max) + "%";
      return h("li", {}, b);
    }));
    el.minimap.hidden = false;
  }
  el.minimap.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-segment]");
    if (!b || !view) return;
    const mark = b.dataset.first !== "" && view.marks[Number(b.dataset.first)];
    const top = mark ? mark.offsetTop - el.output.clientTop - 8 : (el.output.scrollHeight * Number(b.dataset.segment)) / MINIMAP_SEGMENTS;
    el.output.scrollTo({ top, behavior: scrollBehaviour() });
  });

  // ---- Exports -----------------------------------------------------------------------------
  // Every format holds all entities of the result, whatever types are hidden on screen.
  function csvField(v) {  // RFC 4180: quote a field holding a comma, quote or line break; double its quotes
    let s = v == null ? "" : String(v);
    // OWASP's CSV-injection rule: a text cell starting with = + - @ tab or CR would be a formula in Excel
    // (`=HYPERLINK(...)`, or a phone number `+86 ...`); a leading apostrophe makes it text.
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  const EXPORTS = {
    json: { ext: "json", mime: "application/json",
      body: () => JSON.stringify({ text: result.text, model: result.model, took_ms: result.took_ms, entities: result.entities }, null, 2) },
    jsonl: { ext: "jsonl", mime: "application/x-ndjson",
      body: () => result.entities.map((e) => JSON.stringify(e) + "\n").join("") },
    // The BOM makes Excel read the file as UTF-8 rather than the local code page (which garbles Chinese).
    csv: { ext: "csv", mime: "text/csv;charset=utf-8",
      body: () => "\ufeff" + [["text", "type", "start", "end", "score", "source"],
        ...result.entities.map((e) => [e.text, e.type, e.start, e.end, e.score, e.source || "model"])]
        .map((row) => row.map(csvField).join(",") + "\r\n").join("") },
    // What transformers' token-classification pipeline returns with an aggregation strategy; its offsets
    // are Python string indices, i.e. code points, like ours.
    transformers: { ext: "transformers.json", mime: "application/json",
      body: () => JSON.stringify(result.entities.map((e) => ({ entity_group: e.type, score: e.score, word: e.text, start: e.start, end: e.end })), null, 2) }
  };

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      // No async clipboard (insecure origin, no permission): the old selection-based copy.
      const ta = h("textarea", { "aria-hidden": "true", style: "position:fixed;left:-9999px" });
      ta.value = text; document.body.append(ta); ta.select();
      const ok = document.execCommand("copy"); ta.remove();
      if (!ok) { showError([t("copyFailed"), t("copyFailedDetail")]); return false; }
    }
    return true;
  }
  async function copyJSON() {
    if (!result || !(await copyText(EXPORTS.json.body()))) return;
    setStatus(t("copiedStatus", { n: fmtInt(result.entities.length) }));
    el.copy.textContent = t("copied");
    setTimeout(() => { el.copy.textContent = t("copyJSON"); }, 1500);
  }
  function saveFile(prefix, ext, mime, body) {  // prefix-<UTC time>.ext, through a download link
    const url = URL.createObjectURL(new Blob([body], { type: mime }));
    const stamp = new Date().toISOString().replace(/[:T]/g, "-").slice(0, 19);
    const a = h("a", { href: url, download: prefix + "-" + stamp + "." + ext });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
  function download(format) {
    if (!result) return;
    const f = EXPORTS[format];
    saveFile("zhner-entities", f.ext, f.mime, f.body());
    setStatus(t("downloadedStatus", { n: fmtInt(result.entities.length), format: f.ext.toUpperCase() }));
  }

  // ---- Redact view -------------------------------------------------------------------------
  // The same text, sent to /v1/redact with the types ticked here and an operator each (docs/API.md):
  // original and redacted side by side, marks in the types' colours, and the list of replacements.
  const OPERATORS = ["replace", "mask", "hash", "pseudonym", "keep"];
  // The model's usual types and the pattern types; others (a lexicon's, another model's) join once seen.
  const REDACT_TYPES = ["PER", "LOC", "ORG", "PHONE", "EMAIL", "ID_CARD", "BANK_CARD", "PASSPORT", "PLATE", "USCC", "URL", "IP",
                        "DATE", "TIME", "MONEY", "PERCENT"];
  const REDACT_OFF = new Set(["DATE", "TIME", "MONEY", "PERCENT"]);  // rarely personal data: offered, not ticked
  const REDACT_DEFAULTS = { PER: { op: "pseudonym" }, PHONE: { op: "mask", keepFirst: 3, keepLast: 4 }, BANK_CARD: { op: "mask", keepLast: 4 } };
  const redactSettings = new Map();  // type → { on, op, keepFirst, keepLast, template }
  function redactSetting(type) {
    if (!redactSettings.has(type)) {
      redactSettings.set(type, Object.assign({ on: !REDACT_OFF.has(type), op: "replace", keepFirst: 0, keepLast: 0, template: "" }, REDACT_DEFAULTS[type]));
    }
    return redactSettings.get(type);
  }

  // {text or texts, types, operators}: the ticked types only ("types" also decides which pattern types run).
  function redactRequest(input) {
    const on = [...new Set([...REDACT_TYPES, ...seenTypes])].filter((type) => redactSetting(type).on);
    const operators = {};
    for (const type of on) {
      const s = redactSetting(type), op = { type: s.op };
      if (s.op === "mask") { op.keep_first = s.keepFirst; op.keep_last = s.keepLast; }
      if (s.op === "replace" && s.template) op.template = s.template;
      operators[type] = op;
    }
    return Object.assign(input, { types: on, operators });
  }

  // One request for the whole text, so that a name has one pseudonym throughout: a document over the
  // server's text limit goes as "texts", parts cut as for streaming, which the server numbers as one.
  // The parts' answers are joined back, their offsets moved into the whole texts'.
  async function runRedaction(my, text, chars, signal) {
    const parts = splitParts(chars);
    const input = parts.length > 1 ? { texts: parts.map((p) => p.text) } : { text };
    const res = await post("v1/redact", redactRequest(input), "application/json", signal);
    const body = await res.json();
    if (my !== seq) return;
    let redacted = "", at = 0;
    const items = [];
    (body.results || [body]).forEach((r, i) => {
      for (const it of r.items || []) {
        items.push(Object.assign({}, it, { start: it.start + parts[i].start, end: it.end + parts[i].start,
          redacted_start: it.redacted_start + at, redacted_end: it.redacted_end + at }));
      }
      redacted += r.text;
      at += cpLength(r.text);
    });
    redaction = { text, chars, redacted, items, took_ms: body.took_ms };
    paintRedaction();
    setState("done");
    setStatus(redactSummary(), "");
  }
  function redactSummary() {
    return [t("redactSummary", { n: fmtInt(redaction.items.length) }), redaction.took_ms ? fmtMs(redaction.took_ms) : ""].filter(Boolean).join(" · ");
  }

  function paintRedactTypes() {
    const types = [...new Set([...REDACT_TYPES, ...seenTypes])];
    el.rdTypes.replaceChildren(...types.map((type) => {
      const s = redactSetting(type), name = typeName(type);
      colourType(type);
      const num = (key, value) => h("input", { type: "number", min: "0", max: "64", value: String(value), dataset: { key } });
      const select = h("select", { "aria-label": t("rdOperatorFor", { name }), dataset: { key: "op" } },
        ...OPERATORS.map((op) => { const o = h("option", { value: op }, t("op." + op)); o.selected = op === s.op; return o; }));
      const on = h("input", { type: "checkbox", dataset: { key: "on" } });
      on.checked = s.on;
      return h("li", { class: "rd-type", dataset: { type, op: s.op } },
        h("label", { class: "rd-on", title: t("rdTypeTitle", { type }) }, on, h("span", { class: "sw", "aria-hidden": "true" }), name),
        select,
        h("span", { class: "rd-param", dataset: { op: "mask" } },
          h("label", {}, t("rdKeepFirst"), " ", num("keepFirst", s.keepFirst)), h("label", {}, t("rdKeepLast"), " ", num("keepLast", s.keepLast))),
        h("span", { class: "rd-param", dataset: { op: "replace" } },
          h("label", {}, t("rdTemplate"), " ", h("input", { type: "text", placeholder: t("rdTemplateHint"), value: s.template, spellcheck: "false", dataset: { key: "template" } }))));
    }));
  }
  // Any change of a setting redacts again (after the typing pause, so a template is not sent per key).
  function changeSetting(e) {
    const li = e.target.closest("li[data-type]"), key = e.target.dataset.key;
    if (!li || !key) return;
    const s = redactSetting(li.dataset.type);
    if (key === "on") s.on = e.target.checked;
    else if (key === "op") s.op = li.dataset.op = e.target.value;
    else if (key === "template") s.template = e.target.value;
    else s[key] = Math.max(0, Math.min(64, Math.floor(Number(e.target.value)) || 0));
    clearTimeout(debounceTimer);
    if (mode === "redact" && inputText().trim()) debounceTimer = setTimeout(analyse, DEBOUNCE_MS);
  }
  el.rdTypes.addEventListener("change", changeSetting);
  el.rdTypes.addEventListener("input", changeSetting);

  // A text with marks over [start, end) code-point ranges, one per item: data-item links the two panes.
  function markedText(chars, items, startKey, endKey) {
    const out = document.createDocumentFragment();
    let at = 0;
    items.forEach((it, k) => {
      if (it[startKey] > at) out.append(chars.slice(at, it[startKey]).join(""));
      const word = chars.slice(it[startKey], it[endKey]).join("");
      colourType(it.type);
      out.append(h("mark", { class: "ent", "aria-label": t("markLabel", { name: typeName(it.type), text: word }),
        dataset: { type: it.type, item: String(k), label: typeName(it.type) } }, word));
      at = it[endKey];
    });
    out.append(chars.slice(at).join(""));
    return out;
  }
  function paintRedaction() {
    const r = redaction;
    el.rdCopy.disabled = el.rdDownload.disabled = !r;
    if (!r) {
      el.rdOriginal.replaceChildren(h("span", { class: "placeholder" }, t("rdPlaceholder")));
      el.rdRedacted.replaceChildren();
      el.rdRows.replaceChildren(h("tr", { class: "empty-row placeholder" }, h("td", { colspan: "6" }, t("rowsEmpty"))));
      return;
    }
    const redacted = codePoints(r.redacted);
    el.rdOriginal.replaceChildren(markedText(r.chars, r.items, "start", "end"));
    el.rdRedacted.replaceChildren(markedText(redacted, r.items, "redacted_start", "redacted_end"));
    el.rdRedacted.dataset.stale = "false";
    if (!r.items.length) { el.rdRows.replaceChildren(h("tr", { class: "empty-row placeholder" }, h("td", { colspan: "6" }, t("rdNone")))); return; }
    el.rdRows.replaceChildren(...r.items.map((it, k) => {
      const tag = h("span", { class: "tag", title: it.type, dataset: { type: it.type } }, typeName(it.type));
      return h("tr", { tabindex: "0", title: t("rowTitle"), dataset: { item: String(k), type: it.type, operator: it.operator } },
        h("td", { class: "num" }, String(k + 1)), h("td", {}, tag),
        h("td", { class: "text", dataset: { field: "original" } }, r.chars.slice(it.start, it.end).join("")),
        h("td", { class: "text", dataset: { field: "replacement" } }, redacted.slice(it.redacted_start, it.redacted_end).join("")),
        h("td", {}, t("op." + it.operator)),
        h("td", { class: "num" }, "[" + it.start + ", " + it.end + ") → [" + it.redacted_start + ", " + it.redacted_end + ")"));
    }));
  }
  // A row, or a mark in either pane, shows that replacement in both panes.
  function revealItem(k) {
    for (const m of document.querySelectorAll(".rd-pane mark.current")) m.classList.remove("current");
    for (const m of document.querySelectorAll('.rd-pane mark[data-item="' + k + '"]')) {
      m.classList.add("current");
      m.scrollIntoView({ block: "nearest", behavior: scrollBehaviour() });
    }
  }
  el.rdRows.addEventListener("click", (e) => { const row = e.target.closest("tr[data-item]"); if (row) revealItem(row.dataset.item); });
  el.rdRows.addEventListener("keydown", (e) => {
    const row = e.target.closest("tr[data-item]");
    if (row && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); revealItem(row.dataset.item); }
  });
  for (const pane of [el.rdOriginal, el.rdRedacted]) pane.addEventListener("click", (e) => { const m = e.target.closest("mark[data-item]"); if (m) revealItem(m.dataset.item); });
  el.rdCopy.addEventListener("click", async () => { if (redaction && (await copyText(redaction.redacted))) setStatus(t("rdCopied")); });
  el.rdDownload.addEventListener("click", () => {
    if (!redaction) return;
    saveFile("zhner-redacted", "txt", "text/plain;charset=utf-8", redaction.redacted);
    setStatus(t("rdDownloaded"));
  });

  // Switching views shows the other cards and brings that view's answer up to date with the text.
  function showView(next) {
    mode = next;
    el.main.dataset.view = next;
    for (const b of el.views) b.setAttribute("aria-pressed", String(b.dataset.view === next));
    for (const card of document.querySelectorAll("[data-in-view]")) card.hidden = card.dataset.inView !== next;
    if (next === "redact") paintRedactTypes();
  }
  function setView(next) {
    showView(next);
    const shown = next === "redact" ? redaction : result && result.complete && result;
    if (inputText().trim() && !(shown && shown.text === inputText())) analyse();
    else setStatus(next === "redact" ? (redaction ? redactSummary() : "") : result ? summary() : "");
  }

  // ---- Share link --------------------------------------------------------------------------
  // The text and settings go into the URL fragment, which browsers never send to a server; opening the
  // link restores them here and analyses the text with this page's own server.
  async function shareLink() {
    const params = new URLSearchParams({ text: inputText() });
    if (hiddenTypes.size) params.set("types", [...seenTypes].filter((type) => !hiddenTypes.has(type)).sort(compareTypes).join(","));
    if (el.patterns.value !== "none") params.set("patterns", el.patterns.value);
    const url = location.href.split("#")[0] + "#" + params;
    if (url.length > SHARE_MAX_URL) {
      showError([t("share") + ":", t("shareTooLong", { n: fmtInt(url.length), max: fmtInt(SHARE_MAX_URL) })], "warn");
      return;
    }
    history.replaceState(null, "", url);
    if (await copyText(url)) setStatus(t("shareCopied"));
  }
  function restoreFromLink() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (!params.has("text")) return;
    el.text.value = params.get("text");
    if ([...el.patterns.options].some((o) => o.value === params.get("patterns"))) el.patterns.value = params.get("patterns");
    if (params.has("types")) shownOnly = new Set(params.get("types").split(",").filter(Boolean));
  }

  // ---- Files -------------------------------------------------------------------------------
  // A file is read here and its text goes only where typed text goes: this server's API.
  const CSV_TEXT_COLUMNS = ["text", "文本", "content"];  // a CSV column with one of these names is the text, else the first
  const BAD_LINES_LISTED = 10;

  // .jsonl: each line a JSON string or an object with a string "text"; returns those texts and the
  // (1-based) numbers of the lines that are neither. Blank lines are no records.
  function jsonlRecords(text) {
    const records = [], bad = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      let v;
      try { v = JSON.parse(line); } catch (_) { bad.push(i + 1); return; }
      const record = typeof v === "string" ? v : v && typeof v.text === "string" ? v.text : null;
      if (record === null) bad.push(i + 1); else records.push(record);
    });
    return { records, bad };
  }

  // RFC 4180 rows: fields split at commas, quoted fields holding commas, "" and line breaks; CRLF or LF
  // ends a row. Each row keeps the line it starts on; `open` is the line of a quote never closed (else 0).
  function csvRows(text) {
    const rows = [];
    let row = [], field = "", quoted = false, line = 1, start = 1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c !== '"') { field += c; if (c === "\n") line++; }
        else if (text[i + 1] === '"') { field += '"'; i++; }
        else quoted = false;
      } else if (c === '"' && field === "") quoted = true;
      else if (c === ",") { row.push(field); field = ""; }
      else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i++;
        row.push(field); rows.push({ line: start, fields: row });
        row = []; field = ""; start = ++line;
      } else field += c;
    }
    if (!quoted && (field !== "" || row.length)) { row.push(field); rows.push({ line: start, fields: row }); }
    return { rows: rows.filter((r) => r.fields.length > 1 || r.fields[0] !== ""), open: quoted ? start : 0 };
  }

  // .csv: the first row names the columns; every other row's text column is a record.
  function csvRecords(text) {
    const { rows, open } = csvRows(text);
    if (!rows.length) return { records: [], bad: open ? [open] : [] };
    const names = rows[0].fields.map((f) => f.trim().toLowerCase());
    const col = Math.max(0, names.findIndex((n) => CSV_TEXT_COLUMNS.includes(n)));
    const records = [], bad = [];
    for (const r of rows.slice(1)) if (col < r.fields.length) records.push(r.fields[col]); else bad.push(r.line);
    if (open) bad.push(open);
    return { records, bad, column: rows[0].fields[col] };
  }

  async function openFile(file) {
    if (!file) return;
    if (!/\.(txt|md|csv|jsonl)$/i.test(file.name) && !/^text\//.test(file.type)) { showError([t("errFileType"), t("errFileTypeDetail")]); return; }
    let text;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());  // drops a UTF-8 BOM
    } catch (err) {
      if (err instanceof TypeError) showError([t("errFileEncoding"), t("errFileEncodingDetail", { name: file.name })], "error");
      else showError([t("errFileRead"), String(err && err.message || err)]);
      el.error.dataset.code = "file";
      return;
    }
    // Records (one per paragraph) for .jsonl and .csv; other files are their text. What was read, and
    // which lines were skipped, stays on screen beside the file until another text replaces it.
    const kind = (/\.(jsonl|csv)$/i.exec(file.name) || [])[1];
    let note = [["fileOpened", { name: file.name, n: fmtInt(cpLength(text)) }]];
    if (kind) {
      const csv = kind.toLowerCase() === "csv", { records, bad, column } = csv ? csvRecords(text) : jsonlRecords(text);
      note = [[csv ? "fileCSV" : "fileJSONL", { name: file.name, n: fmtInt(records.length), column }]];
      if (bad.length) {
        const lines = bad.slice(0, BAD_LINES_LISTED).join(", ") + (bad.length > BAD_LINES_LISTED ? ", …" : "");
        note.push([csv ? "fileBadCSV" : "fileBadJSONL", { n: fmtInt(bad.length), lines }]);
      }
      if (!records.length) {
        showError([t("errFileEmpty"), note.slice(1).map(([k, v]) => t(k, v)).join(" ")]);
        el.error.dataset.code = "file";
        return;
      }
      text = records.join("\n");
    }
    setInput(text, file.name, file.size, note);
    analyse();
  }
  // Puts a text in the text area, or a file's text over DOCUMENT_CHARS in the read-only document view.
  function setInput(text, name, bytes, note) {
    const long = name !== "" && cpLength(text) > DOCUMENT_CHARS;
    doc = long ? { text, bytes } : null;
    el.text.value = long ? "" : text;
    fileName = name;
    fileNote = note || [];
    el.text.hidden = long; el.doc.hidden = !long;
    paintDoc(); paintFileNote(); updateCount();
  }
  function paintFileNote() {
    el.fileNote.replaceChildren(...fileNote.map(([key, vars]) => h("span", { dataset: { key } }, t(key, vars))));
    el.fileNote.dataset.kind = fileNote.length > 1 ? "warn" : "";
    el.fileNote.hidden = !fileNote.length;
  }
  function paintDoc() {
    if (!doc) return;
    el.docName.textContent = fileName;
    el.docInfo.textContent = t("docInfo", { kb: fmtInt(Math.ceil(doc.bytes / 1024)), n: fmtInt(cpLength(doc.text)) });
  }
  el.docClose.addEventListener("click", () => { setInput("", ""); analyse(); el.text.focus(); });
  el.openFile.addEventListener("click", () => el.file.click());
  el.file.addEventListener("change", () => { openFile(el.file.files[0]); el.file.value = ""; });
  el.inputCard.addEventListener("dragover", (e) => { if (e.dataTransfer.types.includes("Files")) { e.preventDefault(); el.inputCard.dataset.drop = "true"; } });
  el.inputCard.addEventListener("dragleave", () => { delete el.inputCard.dataset.drop; });
  el.inputCard.addEventListener("drop", (e) => {
    delete el.inputCard.dataset.drop;
    if (!e.dataTransfer.files.length) return;  // dropped text goes into the text area as usual
    e.preventDefault();
    openFile(e.dataTransfer.files[0]);
  });

  // ---- Server health and API key -----------------------------------------------------------
  function setHealth(state, key, vars) { health = [state, key, vars]; el.health.dataset.state = state; el.healthText.textContent = t(key, vars); }
  async function checkHealth() {
    try {
      const res = await fetch("readyz", { cache: "no-store" });
      if (res.ok) { setHealth("ready", "healthReady"); return true; }
      if (res.status === 503) setHealth("loading", "healthBusy"); else setHealth("down", "healthHttp", { status: res.status });
      return true;  // it answered, so it is reachable
    } catch (_) {
      setHealth("down", "healthDown");
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
  addEventListener("online", () => { checkHealth(); if (lastFailedByNetwork) { clearError(); analyse(); } });
  addEventListener("offline", () => { setHealth("down", "healthOffline"); });

  function refreshKeyState() { el.authState.textContent = t(sessionStorage.getItem(KEY_STORAGE) ? "keySet" : "keyNone"); }
  $("auth-form").addEventListener("submit", (e) => {
    e.preventDefault();  // never a real submission: the key stays in this tab
    const key = el.key.value.trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key); else sessionStorage.removeItem(KEY_STORAGE);
    el.key.value = ""; refreshKeyState(); el.auth.open = false;
    setStatus(t(key ? "keySaved" : "keyCleared"));
    if (inputText().trim()) analyse();
  });
  el.keyClear.addEventListener("click", () => { sessionStorage.removeItem(KEY_STORAGE); el.key.value = ""; refreshKeyState(); setStatus(t("keyCleared")); });

  // ---- Wiring ------------------------------------------------------------------------------
  el.text.addEventListener("input", (e) => {
    if (fileName) { fileName = ""; fileNote = []; paintFileNote(); }
    if (!e.isComposing) schedule(); else updateCount();
  });
  el.text.addEventListener("compositionstart", () => { composing = true; clearTimeout(debounceTimer); });
  el.text.addEventListener("compositionend", () => { composing = false; schedule(); });
  el.text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); analyse(); }
  });
  // Page-wide keys (listed in the footer): "/" jumps to the find box unless typing somewhere; Esc closes.
  document.addEventListener("keydown", (e) => {
    const typing = e.target.closest && e.target.closest("input, textarea, select, [contenteditable]");
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); el.search.focus(); el.search.select(); }
    else if (e.key === "Escape") {
      hideCard();
      if (e.target === el.search) { el.search.value = ""; runSearch(false); }
    }
  });
  el.analyse.addEventListener("click", () => analyse());
  el.live.addEventListener("change", () => { if (el.live.checked) schedule(); });
  el.patterns.addEventListener("change", () => { if (inputText().trim()) analyse(); });
  for (const b of document.querySelectorAll("button[data-sample]")) {
    b.addEventListener("click", () => { setInput(SAMPLES[b.dataset.sample], ""); analyse(); });
  }
  for (const b of el.langs) b.addEventListener("click", () => setLanguage(b.dataset.lang));
  for (const b of el.views) b.addEventListener("click", () => setView(b.dataset.view));
  el.copy.addEventListener("click", copyJSON);
  for (const b of el.exports) b.addEventListener("click", () => download(b.dataset.format));
  el.share.addEventListener("click", shareLink);

  applyLanguage();
  refreshKeyState();
  setHealth(...health);
  restoreFromLink();
  updateCount();
  paint();
  paintRedaction();
  showView(mode);
  checkHealth();
  if (inputText().trim()) analyse();  // a share link's text, or the browser restored the text on reload
})();
