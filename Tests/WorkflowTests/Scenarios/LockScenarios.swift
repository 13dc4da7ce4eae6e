// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
import Workflow

/// Distributed locks on every store: one owner at a time, expiry, release by the owner only, growing tokens.
struct LockScenarios {
    @Test(arguments: StoreKind.allCases)
    func oneOwnerAtATimeWithGrowingFencingTokens(kind: StoreKind) async throws {
        let harness = try await Harness(kind, ExternalTaskScenarios.one)
        let engine = harness.engine
        let first = try await engine.acquireLock("nightly-export", owner: "a", ttl: 10_000)
        #expect(first.owner == "a" && first.fencingToken == 1)
        let taken = await #expect(throws: WorkflowError.self) {
            try await engine.acquireLock("nightly-export", owner: "b", ttl: 10_000)
        }
        #expect(taken?.code == .lockHeld)
        harness.clock.advance(by: 5)
        let renewed = try await engine.acquireLock("nightly-export", owner: "a", ttl: 10_000)
        #expect(renewed.fencingToken == 1, "a renewal keeps the token")
        #expect(renewed.expiresAt == harness.clock.now().addingTimeInterval(10))
        let notOwner = await #expect(throws: WorkflowError.self) { try await engine.releaseLock("nightly-export", owner: "b") }
        #expect(notOwner?.code == .lockHeld)
        #expect(try await engine.lock("nightly-export").owner == "a")

        harness.clock.advance(by: 10)
        let missing = await #expect(throws: WorkflowError.self) { try await engine.lock("nightly-export") }
        #expect(missing?.code == .notFound, "an expired lock has no holder")
        let second = try await engine.acquireLock("nightly-export", owner: "b", ttl: 1_000)
        #expect(second.fencingToken == 2, "a new owner gets a larger token")
        await #expect(throws: WorkflowError.self) { try await engine.releaseLock("nightly-export", owner: "a") }
        try await engine.releaseLock("nightly-export", owner: "b")
        #expect(try await engine.acquireLock("nightly-export", owner: "c", ttl: 1_000).fencingToken == 3,
                "tokens keep growing after a release")
        #expect(try await engine.acquireLock("other", owner: "c", ttl: 1_000).fencingToken == 1, "per lock name")
        for bad: (name: String, owner: String, ttl: Int64) in [("", "a", 1), ("x", "", 1), ("x", "a", 0), ("{x}", "a", 1)] {
            let error = await #expect(throws: WorkflowError.self) {
                try await engine.acquireLock(bad.name, owner: bad.owner, ttl: bad.ttl)
            }
            #expect(error?.code == .invalidRequest)
        }
    }
}
