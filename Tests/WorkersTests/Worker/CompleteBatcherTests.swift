// SPDX-License-Identifier: Apache-2.0
import Synchronization
import Testing

@testable import Workers

/// The worker's batching of completes: concurrent completes share requests, each gets its own result, and an
/// engine without the many-task call gets one request per complete.
struct CompleteBatcherTests {
    struct Failed: Error, Equatable { let entry: Int }

    /// What the fake engine saw: the batches of `sendMany`, the entries of `sendOne`.
    final class Engine: Sendable {
        let batches = Mutex<[[Int]]>([])
        let singles = Mutex<[Int]>([])
        let supportsMany: Bool
        /// Entries whose complete the engine refuses.
        let refused: Set<Int>

        init(supportsMany: Bool = true, refused: Set<Int> = []) {
            self.supportsMany = supportsMany
            self.refused = refused
        }

        func sendMany(_ entries: [Int]) async -> [Result<Void, any Error>]? {
            batches.withLock { $0.append(entries) }
            // A round trip long enough for the other callers to queue up behind this request.
            try? await Task.sleep(for: .milliseconds(30))
            guard supportsMany else { return nil }
            if Task.isCancelled { return entries.map { _ in .failure(CancellationError()) } }
            return entries.map { refused.contains($0) ? .failure(Failed(entry: $0)) : .success(()) }
        }

        func sendOne(_ entry: Int) async throws {
            singles.withLock { $0.append(entry) }
            if refused.contains(entry) { throw Failed(entry: entry) }
        }
    }

    /// Completes `entries` concurrently; returns the entries whose complete threw.
    func completeAll(_ entries: Range<Int>, _ batcher: CompleteBatcher<Int>, _ engine: Engine) async -> Set<Int> {
        await withTaskGroup(of: Int?.self) { group in
            for entry in entries {
                group.addTask {
                    do {
                        try await batcher.complete(entry, sendMany: engine.sendMany, sendOne: engine.sendOne)
                        return nil
                    } catch {
                        #expect(error as? Failed == Failed(entry: entry))
                        return entry
                    }
                }
            }
            var failed: Set<Int> = []
            for await entry in group { if let entry { failed.insert(entry) } }
            return failed
        }
    }

    @Test func concurrentCompletesShareRequestsAndKeepTheirOwnResults() async {
        let engine = Engine(refused: [7, 30])
        let failed = await completeAll(0..<50, CompleteBatcher(), engine)
        #expect(failed == [7, 30])
        let batches = engine.batches.withLock { $0 }
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<50), "every complete sent once")
        #expect(batches.count < 10, "50 concurrent completes in \(batches.count) requests")
        #expect(engine.singles.withLock { $0 }.isEmpty)
    }

    @Test func aBatchIsCappedAndTheRestGoesInTheNextRequest() async {
        let engine = Engine()
        let failed = await completeAll(0..<40, CompleteBatcher(maxBatch: 8), engine)
        #expect(failed.isEmpty)
        let batches = engine.batches.withLock { $0 }
        #expect(batches.allSatisfy { $0.count <= 8 })
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<40))
    }

    @Test func aLoneCompleteGoesAtOnce() async throws {
        let engine = Engine()
        let batcher = CompleteBatcher<Int>()
        for entry in 0..<3 { try await batcher.complete(entry, sendMany: engine.sendMany, sendOne: engine.sendOne) }
        #expect(engine.batches.withLock { $0 } == [[0], [1], [2]])
    }

    @Test func anEngineWithoutTheManyTaskCallGetsOneRequestPerComplete() async throws {
        let engine = Engine(supportsMany: false, refused: [3])
        let batcher = CompleteBatcher<Int>()
        let failed = await completeAll(0..<20, batcher, engine)
        #expect(failed == [3])
        #expect(engine.batches.withLock { $0.count } == 1, "asked once")
        #expect(engine.singles.withLock { $0 }.sorted() == Array(0..<20))
        // From then on, straight to one request each.
        try await batcher.complete(99, sendMany: engine.sendMany, sendOne: engine.sendOne)
        #expect(engine.batches.withLock { $0.count } == 1)
        #expect(engine.singles.withLock { $0.last } == 99)
    }

    @Test func aCancelledSenderDoesNotFailTheCompletesItCarries() async throws {
        let engine = Engine()
        let batcher = CompleteBatcher<Int>()
        let leader = Task { try await batcher.complete(0, sendMany: engine.sendMany, sendOne: engine.sendOne) }
        while engine.batches.withLock({ $0.isEmpty }) { await Task.yield() }
        // These wait behind the leader's request; the next request is sent by one of them.
        let others = (1...5).map { entry in
            Task { try await batcher.complete(entry, sendMany: engine.sendMany, sendOne: engine.sendOne) }
        }
        try await Task.sleep(for: .milliseconds(5))
        leader.cancel()
        try await leader.value
        for other in others { try await other.value }
        #expect(engine.batches.withLock { $0 }.flatMap { $0 }.sorted() == Array(0...5))
    }

    @Test func aWrongNumberOfOutcomesFailsTheBatchInsteadOfCrashing() async {
        let batcher = CompleteBatcher<Int>()
        await #expect(throws: WorkerTransportError.self) {
            try await batcher.complete(1, sendMany: { _ in [] }, sendOne: { _ in })
        }
    }
}
