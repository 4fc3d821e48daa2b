// libFuzzer's entry point for programs that have their own `main` (SwiftPM gives every
// executable one, so libFuzzer's `main` is never linked in).
#ifndef ZHNER_FUZZER_DRIVER_H
#define ZHNER_FUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

typedef int (*zhner_fuzz_callback)(const uint8_t *data, size_t size);

/// Parses libFuzzer's flags from argv and fuzzes `callback` (or replays the files named there).
int zhner_fuzz_run(int argc, char **argv, zhner_fuzz_callback callback);
#endif
