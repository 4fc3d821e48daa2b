/// `zhner tag`: one text per input line → one result per line, in order, in bounded memory.
enum TagCommand: Command {
    static let help = """
        Usage: zhner tag [--model DIR] [[--input] FILE|-] [--output FILE|-] [--format jsonl|conll|hf]
                         [--encoding \(InputEncoding.helpChoices)] [--text-field NAME]
                         [--lexicon FILE] [--patterns none|pii|all] [--entities TYPE,...]
                         [--threads N] [--batch N] [--progress | --no-progress]

        Tags one text per input line. Every input line gives exactly one output record, in order;
        an empty line gives an empty entity list. Input and output stream: memory stays the same
        whatever the input's size (a few batches per thread are in flight at a time).

          --model DIR       model folder (default: see "Model search" below)
          --input FILE      input, one text (or JSON record) per line (default: - = stdin);
                            the file may also be named alone: zhner tag corpus.txt
          --encoding E      the input's encoding (default: utf-8): utf-8, gb18030, gbk, utf-16
                            (byte order from its BOM, little-endian without one) or auto (a BOM
                            decides; else the first non-ASCII line: UTF-8 if valid, else
                            GB18030). A BOM is never part of the text; output is always UTF-8
                            and offsets count code points of the decoded text
          --output FILE     where to write (default: - = stdout)
          --format F        jsonl (default): {"text": ..., "entities": [{"type", "start", "end",
                            "text", "score"}]} with code-point offsets, end exclusive;
                            conll: one "char<TAB>BIO-label" line per non-space character, a blank
                            line after each text;
                            hf: a JSON list per line shaped like transformers'
                            pipeline("ner", aggregation_strategy="simple") output:
                            [{"entity_group", "score", "word", "start", "end"}] (docs/BATCH.md)
          --text-field NAME input lines are JSON objects; tag the string in field NAME. With
                            --format jsonl the output is the input record, every field kept as
                            it was, with "entities" added (a record that already has one is an
                            error); conll and hf write their usual records
          --lexicon FILE    names to always recognise: "text<TAB>TYPE" per line (# comments and
                            blank lines skipped); a match overrides any model entity it overlaps
                            and has score 1 (and "source": "lexicon" in jsonl). Default:
                            ZHNER_LEXICON, as for zhner serve
          --patterns P      also find personal data by pattern (docs/PRIVACY.md): none (default),
                            pii = PHONE, EMAIL, URL, IP, ID_CARD, BANK_CARD, PASSPORT, PLATE,
                            USCC; all = pii and DATE, TIME, MONEY, PERCENT. Pattern entities
                            have "source": "pattern" in jsonl; a URL or EMAIL beats the
                            lexicon, the lexicon beats the other patterns, all beat the model
          --entities T,...  output only these types (model, lexicon or pattern types; a pattern
                            type named here is recognised whatever --patterns says). Default:
                            the model's and lexicon's types and those --patterns turns on
          --threads N       texts tagged in parallel (default: number of cores)
          --batch N         lines per forward batch (default: 64)
          --progress        show the progress line on stderr even when it is not a terminal
          --no-progress     never show it (default: shown when stderr is a terminal and the
                            records do not go to that terminal: lines, rate and, for a file
                            input, percent done and time left)

        \(HelpText.modelSearch)

        Environment:
        \(HelpText.modelVariable)
          ZHNER_LEXICON   the default --lexicon
        \(HelpText.isa)

        Exit codes: 0 ok, 2 usage, 65 bad input (undecodable bytes, named by line and byte
        offset; a bad JSON record, one with the text field twice, or a bad lexicon line, named
        by its line; the records before it are written), 66 bad or missing model, 74 I/O error
        (input or lexicon missing or unreadable, output not writable).
        """

    static func run(_ argv: [String]) throws {
        let args = try Arguments(argv, options: LineCommand.options, flags: LineCommand.flags)
        let format = TagRenderer.Format(rawValue: try args.choice("format", TagRenderer.Format.allCases.map(\.rawValue), default: "jsonl"))!
        let command = try LineCommand(args, defaultPatterns: .none)
        let renderer = TagRenderer(format: format, source: command.entities)
        try command.run { lines, firstLine in renderer.render(lines, firstLine: firstLine) }
    }
}
