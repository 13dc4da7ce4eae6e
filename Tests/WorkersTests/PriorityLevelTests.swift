// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import Workers
import Workflow

struct PriorityLevelTests {
    @Test(arguments: [
        (Int64(5000), PriorityLevel.emergency), (1000, .emergency), (999, .critical), (500, .critical),
        (499, .high), (200, .high), (199, .elevated), (100, .elevated), (99, .normal), (0, .normal),
        (-1, .low), (-99, .low), (-100, .bulk), (-999, .bulk), (-1000, .maintenance), (Int64.min, .maintenance),
    ])
    func bandsMapTaskPriorities(priority: Int64, level: PriorityLevel) {
        #expect(PriorityLevel(taskPriority: priority) == level)
    }

    @Test func eightLevelsOrderedWithGrowingDeadlines() {
        #expect(PriorityLevel.allCases.count == 8)
        #expect(PriorityLevel.allCases.sorted() == PriorityLevel.allCases)
        let deadlines = PriorityLevel.allCases.map(\.deadlineSeconds)
        #expect(deadlines == deadlines.sorted())
        #expect(Set(deadlines).count == 8)
    }
}

struct PriorityLevelRangeTests {
    @Test func rangesCoverEveryPriorityOnceAndMatchTheMapping() {
        for level in PriorityLevel.allCases {
            #expect(PriorityLevel(taskPriority: level.priorities.lowerBound) == level)
            #expect(PriorityLevel(taskPriority: level.priorities.upperBound) == level)
        }
        #expect(PriorityLevel.allCases.map(\.name) == ["EMERGENCY", "CRITICAL", "HIGH", "ELEVATED", "NORMAL", "LOW", "BULK", "MAINTENANCE"])
    }
}
