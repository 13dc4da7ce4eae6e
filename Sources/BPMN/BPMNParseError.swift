// SPDX-License-Identifier: Apache-2.0

/// Why a BPMN resource could not be deployed: every problem found, each with its line and element id.
public struct BPMNParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One problem in the file.
    public struct Issue: Sendable, Hashable, CustomStringConvertible {
        /// 1-based line, or nil when the problem concerns the whole file.
        public let line: Int?
        public let column: Int?
        /// The id of the element at fault, when it has one.
        public let elementID: String?
        public let message: String

        public init(line: Int?, column: Int? = nil, elementID: String?, message: String) {
            self.line = line
            self.column = column
            self.elementID = elementID
            self.message = message
        }

        public var description: String {
            var text = ""
            if let line { text += "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": " }
            if let elementID { text += "element '\(elementID)': " }
            return text + message
        }
    }

    /// The resource (file) name.
    public let resourceName: String
    public let issues: [Issue]

    public init(resourceName: String, issues: [Issue]) {
        self.resourceName = resourceName
        self.issues = issues
    }

    public var description: String {
        issues.map { "\(resourceName): \($0)" }.joined(separator: "\n")
    }
}
