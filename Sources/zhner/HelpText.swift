/// Help text that several commands share, written once so their `--help`s cannot drift apart.
enum HelpText {
    /// Where a command looks for its model (DefaultModel.resolve).
    static let modelSearch = """
        Model search: --model DIR, else ZHNER_MODEL, else models/default beside the executable,
        else ../share/zhner/models/default from it (where `make install` puts it), else the
        models/default of the checkout it was built in. All but ZHNER_MODEL are relative to the
        executable's real path, not the working directory; no model found is exit 66.
        """

    /// Lines of an "Environment:" list: the variable of every command that loads a model, and
    /// of every one that runs the kernels.
    static let modelVariable = "  ZHNER_MODEL     the model folder (see Model search)"
    static let isa = "  ZHNER_ISA       scalar|avx2|avx512: forces a kernel path (default: the best this CPU has)"
}
