import NERCore

/// `zhner redact` (数据脱敏): `zhner tag`'s entities for the same options, replaced in the text.
enum RedactCommand: Command {
    static let help = """
        Usage: zhner redact [--model DIR] [[--input] FILE|-] [--output FILE|-] [--format jsonl|text]
                            [--encoding \(InputEncoding.helpChoices)] [--text-field NAME]
                            [--lexicon FILE] [--patterns none|pii|all] [--entities TYPE,...]
                            [--operator TYPE=OP[:PARAMS],...] [--template T] [--key-file FILE]
                            [--with-originals] [--threads N] [--batch N] [--progress | --no-progress]

        Redacts one text per input line: every entity zhner tag finds with the same options (the
        model's, the lexicon's and the patterns') is replaced as --operator says. Every input line
        gives exactly one output line, in order; an empty line gives an empty one. Input and
        output stream, in the same bounded memory as zhner tag.

          --format F        jsonl (default): {"text": REDACTED, "items": [{"type", "start", "end",
                            "redacted_start", "redacted_end", "operator"}]}: start/end in code
                            points of the input text, redacted_start/redacted_end of the redacted
                            one, end exclusive;
                            text: the redacted text alone, one line per input line
          --text-field NAME input lines are JSON objects; redact the string in field NAME. The
                            output is the record with that value redacted and every other field
                            as it was, and (jsonl) "items" added as its last field
          --patterns P      pattern recognizers (docs/PRIVACY.md). Default here: pii = PHONE,
                            EMAIL, URL, IP, ID_CARD, BANK_CARD, PASSPORT, PLATE, USCC; all = pii
                            and DATE, TIME, MONEY, PERCENT; none = the model's and lexicon's only
          --entities T,...  redact only these types (default: every type of the model, the
                            lexicon and --patterns; a pattern type named here is recognised
                            whatever --patterns says)
          --operator SPEC   how each type is redacted: TYPE=OP entries, comma-separated or in
                            repeated options; TYPE default stands for every type not named.
                            Each type once; a type these options never find is an error.
                            OP is one of:
                              replace[:template]  the template: {type} is the type, {label} its
                                                  Chinese name (人物, 地点, 机构, 电话, ...). The
                                                  default operator, with template [{type}]
                              mask[:keep_first[:keep_last[:mask_char]]]  keep the first and last
                                                  characters given (default 0 and 0), mask the
                                                  others with mask_char (default *); a text of
                                                  keep_first + keep_last characters or fewer is
                                                  masked whole. PHONE=mask:3:4: 138****5678
                              hash[:length]       the first length (8-64, default 16) hex digits
                                                  of HMAC-SHA256(key, the text in UTF-8); needs a key
                              pseudonym           the label and a number by first appearance in
                                                  the line, per type: 人物1, 人物2; with a key,
                                                  also 6 hex digits of a keyed hash: 人物1-3f9a0c
                              keep                left as it is (still listed in items)
                            e.g. --operator PER=pseudonym,PHONE=mask:3:4,default=replace
          --template T      the template of replace where --operator gives none, e.g. '<{label}>'
          --key-file FILE   the key of hash and keyed pseudonyms: the file's bytes, less one final
                            line break (default: ZHNER_REDACT_KEY_FILE, else ZHNER_REDACT_KEY)
          --with-originals  add each item's original "text" (to reverse the redaction; off so that
                            output does not carry what it hides)
          --model, --input, --output, --encoding, --lexicon, --threads, --batch, --progress,
          --no-progress     as for zhner tag (zhner tag --help)

        \(HelpText.modelSearch)

        Environment:
        \(HelpText.modelVariable)
          ZHNER_LEXICON   the default --lexicon
          ZHNER_REDACT_KEY_FILE  the default --key-file
          ZHNER_REDACT_KEY       the key itself, when no key file is given
        \(HelpText.isa)

        Exit codes: 0 ok, 2 usage (a bad --operator, hash without a key, an empty key file),
        65 bad input (as zhner tag), 66 bad or missing model,
        74 I/O error (input, lexicon or key file missing or unreadable, output not writable).
        See docs/PRIVACY.md, "Redaction".
        """

    static func run(_ argv: [String]) throws {
        let args = try Arguments(argv, options: LineCommand.options.union(["operator", "template", "key-file"]),
                                 flags: LineCommand.flags.union(["with-originals"]))
        let format = RedactRenderer.Format(rawValue: try args.choice("format", RedactRenderer.Format.allCases.map(\.rawValue), default: "jsonl"))!
        var template = RedactionOperator.defaultTemplate
        if let given = args.value("template") {
            do {
                _ = try RedactionOperator.replacing(given)
            } catch {
                throw CLIError.usage("--template: \(error.problem)")
            }
            template = given
        }
        let parsed = try OperatorOption.parse(args.values("operator"), template: template)
        let key = try RedactionKeySource.load(path: args.value("key-file"))
        let policy: RedactionPolicy
        do {
            policy = try RedactionPolicy(operators: parsed.operators, fallback: parsed.fallback ?? .replace(template: template), key: key)
        } catch {
            throw CLIError.usage("--operator: hash needs a key: --key-file FILE, \(RedactionKeySource.fileVariable) or \(RedactionKeySource.variable)")
        }
        // Redaction without phone numbers or ID numbers would leave what most needs hiding.
        let command = try LineCommand(args, defaultPatterns: .pii)
        if let unknown = parsed.operators.keys.sorted().first(where: { !command.knownTypes.contains($0) }) {
            throw CLIError.usage("--operator: \(unknown) is not a type of this model, the lexicon or the patterns")
        }
        // An operator for a type these options never find looks like protection and is none
        // (--patterns none --operator PHONE=mask left every phone number in clear).
        if let unfound = parsed.operators.keys.sorted().first(where: { !command.foundTypes.contains($0) }) {
            throw CLIError.usage("--operator: \(unfound) is never found with these --patterns/--entities; add it (--patterns all, or to --entities)")
        }
        let renderer = RedactRenderer(format: format, source: command.entities, policy: policy, originals: args.flag("with-originals"))
        try command.run { lines, firstLine in renderer.render(lines, firstLine: firstLine) }
    }
}
