// SPDX-License-Identifier: Apache-2.0
import BPMN
import Foundation

/// Encodes the store's records as JSON that `JSONDecoder` (and `RecordDecoder`) read back as `JSONEncoder`'s
/// output with its default strategies: the same keys and values (Data as base64, URLs as text, a non-finite
/// double an error). Keys are written in the order they were encoded.
///
/// Why: every step encodes its instance, its tasks and its history records, and `JSONEncoder` (a tree of boxed
/// values, then a writer) was about a tenth of `workflow serve`'s CPU in the REST benchmark. Here the tree is one
/// small class per object or array, and leaves are `ExpressionValue`s written by the engine's JSON writer.
public enum RecordEncoder {
    public static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let root = EncodedNode()
        try TreeEncoder(root).encode(value)
        var out: [UInt8] = []
        out.reserveCapacity(512)
        root.write(into: &out)
        return out
    }
}

/// A value being encoded: nothing yet, a leaf, an object (members in encoding order) or an array.
final class EncodedNode {
    enum Content {
        case empty
        case leaf(ExpressionValue)
        case object([(key: String, node: EncodedNode)])
        case array([EncodedNode])
    }

    var content = Content.empty

    /// This node as an object (a second keyed container of one encoder adds to the same object).
    func member(_ key: String) -> EncodedNode {
        let node = EncodedNode()
        if case .object(var members) = content {
            content = .empty  // keeps `members` uniquely referenced while it grows
            members.append((key, node))
            content = .object(members)
        } else {
            content = .object([(key, node)])
        }
        return node
    }

    func makeObject() { if case .object = content {} else { content = .object([]) } }

    func element() -> EncodedNode {
        let node = EncodedNode()
        if case .array(var items) = content {
            content = .empty
            items.append(node)
            content = .array(items)
        } else {
            content = .array([node])
        }
        return node
    }

    func makeArray() { if case .array = content {} else { content = .array([]) } }

    func write(into out: inout [UInt8]) {
        switch content {
        case .empty: out.append(contentsOf: "{}".utf8)
        case .leaf(let value): value.writeJSON(into: &out)
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                ExpressionValue.writeJSONString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.node.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}
