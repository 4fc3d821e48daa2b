import FuzzSupport
import Foundation

// SwiftPM links its own `main` into executables, so libFuzzer's driver is called from it.
// A closure, not the function itself: converting the @_cdecl function to a C pointer here would
// emit a second LLVMFuzzerTestOneInput symbol in this file.
exit(runFuzzer { fuzzPatterns($0, $1) })
