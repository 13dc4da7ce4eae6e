// SPDX-License-Identifier: Apache-2.0
//
// The executable's malloc is jemalloc: importing CJemalloc links libjemalloc into `workflow`, ahead of glibc, so the
// Swift runtime, NIO and hiredis allocate through it. Swift allocates and frees many small objects per request,
// and glibc's malloc and free were a fifth of `workflow serve`'s CPU in the REST benchmark's task phase; with
// jemalloc the server takes about a fifth less CPU per task (BENCHMARKS.md, stop 19).
import CJemalloc

enum Allocator {
    /// jemalloc's version as it reports it (`mallctl("version")`), for the start-up log.
    static var version: String {
        var pointer: UnsafePointer<CChar>?
        var size = MemoryLayout<UnsafePointer<CChar>?>.size
        guard mallctl("version", &pointer, &size, nil, 0) == 0, let pointer else { return "unknown" }
        return "jemalloc " + String(cString: pointer)
    }
}
