// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation
import Testing
@testable import Workflow

/// The workers a replica has seen: counted per pool within a window, and forgotten after the retention once many.
struct WorkerSightingsTests {
    @Test func countsWorkersPerPoolWithinTheWindow() {
        let sightings = WorkerSightings()
        let now = Date(timeIntervalSince1970: 1_000_000)
        sightings.saw("w1", topics: ["extract", "load"], at: now)
        sightings.saw("w2", topic: "check", at: now.addingTimeInterval(-30))
        sightings.saw("w3", topic: "extract", at: now.addingTimeInterval(-120))
        let pools: [String: WorkerPoolType] = ["extract": .ioIntensive, "load": .ioIntensive, "check": .cpuIntensive]
        let counts = sightings.workers(within: 60, now: now, pools: pools)
        #expect(counts == [.ioIntensive: 1, .cpuIntensive: 1], "w1 once for its two IO topics; w3 is too old")
        #expect(sightings.workers(within: 300, now: now, pools: pools)[.ioIntensive] == 2)
    }

    @Test func aSightingWithinTheResolutionIsNotWrittenAgainButALaterOneIs() {
        let sightings = WorkerSightings()
        let start = Date(timeIntervalSince1970: 1_000_000)
        sightings.saw("w", topic: "t", at: start)
        sightings.saw("w", topic: "t", at: start.addingTimeInterval(0.5))  // kept at `start`
        let window = WorkerSightings.retention
        #expect(sightings.workers(within: 10, now: start.addingTimeInterval(10.2), pools: [:]).isEmpty,
                "the sighting half a second later was not recorded")
        sightings.saw("w", topic: "t", at: start.addingTimeInterval(1.5))
        #expect(sightings.workers(within: 10, now: start.addingTimeInterval(10.2), pools: [:])[.generalPurpose] == 1)
        // Another topic or worker in between is recorded at once.
        sightings.saw("w", topic: "u", at: start.addingTimeInterval(1.6))
        #expect(sightings.workers(within: window, now: start.addingTimeInterval(1.6), pools: ["u": .cpuIntensive])[.cpuIntensive] == 1)
    }

    /// Twenty thousand workers seen once, then one more sighting each minute: the old ones go once past the
    /// retention, and the new ones stay.
    @Test func manyWorkersArePrunedAfterTheRetention() {
        let sightings = WorkerSightings()
        let start = Date(timeIntervalSince1970: 1_000_000)
        for index in 0..<20_000 { sightings.saw("old-\(index)", topic: "t", at: start) }
        #expect(sightings.workers(within: 1_000, now: start, pools: [:])[.generalPurpose] == 20_000)
        let later = start.addingTimeInterval(WorkerSightings.retention + 61)
        for index in 0..<64 { sightings.saw("new-\(index)", topic: "t", at: later) }
        #expect(sightings.workers(within: 10_000, now: later, pools: [:])[.generalPurpose] == 64,
                "the sightings older than the retention are gone")
    }
}
