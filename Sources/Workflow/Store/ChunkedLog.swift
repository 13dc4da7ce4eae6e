// SPDX-License-Identifier: Apache-2.0

/// An append-only array in fixed chunks that never move.
///
/// A history log only grows. One contiguous array would double now and then, copying every record into fresh
/// memory: the page faults of all it ever held, paid again at each doubling, and up to twice the memory held
/// meanwhile. Chunks of `chunkSize` are filled in place and only the small array of chunks grows.
struct ChunkedLog<Element> {
    private static var chunkShift: Int { 12 }
    static var chunkSize: Int { 1 << chunkShift }
    private var chunks: [[Element]] = []
    private(set) var count = 0

    var indices: Range<Int> { 0..<count }

    mutating func append(_ element: Element) {
        if count & (Self.chunkSize - 1) == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }

    subscript(position: Int) -> Element {
        get { chunks[position >> Self.chunkShift][position & (Self.chunkSize - 1)] }
        _modify { yield &chunks[position >> Self.chunkShift][position & (Self.chunkSize - 1)] }
    }
}
