// SPDX-License-Identifier: Apache-2.0

extension String {
    /// SQL `LIKE` as Camunda's queries use it: `%` matches any run of characters, everything else itself.
    public func matchesLike(_ pattern: String) -> Bool {
        let pieces = pattern.split(separator: "%", omittingEmptySubsequences: false)
        guard pieces.count > 1 else { return self == pattern }
        guard hasPrefix(pieces.first!), hasSuffix(pieces.last!) else { return false }
        var rest = Substring(dropFirst(pieces.first!.count))
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let range = rest.range(of: piece) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.count >= pieces.last!.count
    }
}
