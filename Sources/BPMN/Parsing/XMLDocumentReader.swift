// SPDX-License-Identifier: Apache-2.0
import CLibXML2

/// Reads XML bytes with libxml2 into an `XMLElement` tree. The only file that touches libxml2.
///
/// Safety: the network is forbidden (`XML_PARSE_NONET`), entities are never substituted (no `XML_PARSE_NOENT`),
/// no DTD is loaded (no `XML_PARSE_DTDLOAD`), the external entity loader refuses everything, and any document
/// carrying a `<!DOCTYPE` is rejected before libxml2 sees it (XXE, billion laughs).
enum XMLDocumentReader {
    struct Failure: Error, Sendable {
        let message: String
        let line: Int
        let column: Int
    }

    private static let initialised: Bool = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in nil }
        return true
    }()

    static func read(_ bytes: [UInt8]) throws(Failure) -> XMLElement {
        _ = initialised
        if let line = doctypeLine(bytes) {
            throw Failure(
                message: "<!DOCTYPE> declarations are not allowed (external entities and DTDs are never loaded)",
                line: line, column: 1)
        }
        guard !bytes.isEmpty else { throw Failure(message: "Document is empty", line: 1, column: 1) }
        guard let context = xmlNewParserCtxt() else {
            throw Failure(message: "out of memory creating the XML parser", line: 0, column: 0)
        }
        defer { xmlFreeParserCtxt(context) }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlCtxtReadMemory(context, $0, Int32(buffer.count), nil, nil, options)
            }
        }
        guard let document, context.pointee.wellFormed != 0 else {
            if let document { xmlFreeDoc(document) }
            throw failure(from: xmlCtxtGetLastError(context))
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else {
            throw Failure(message: "Document has no root element", line: 1, column: 1)
        }
        return element(root)
    }

    private static func failure(from error: xmlErrorPtr?) -> Failure {
        guard let error else { return Failure(message: "XML is not well-formed", line: 0, column: 0) }
        var message = error.pointee.message.map { String(cString: $0) } ?? "XML is not well-formed"
        while message.last?.isNewline == true { message.removeLast() }
        return Failure(message: message, line: Int(error.pointee.line), column: Int(error.pointee.int2))
    }

    private static func element(_ node: xmlNodePtr) -> XMLElement {
        var attributes: [XMLElement.Attribute] = []
        var property = node.pointee.properties
        while let attribute = property {
            let name = String(cString: attribute.pointee.name)
            let namespace = attribute.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
            var value = ""
            if let content = xmlNodeListGetString(node.pointee.doc, attribute.pointee.children, 1) {
                value = String(cString: content)
                clibxml2_free(content)
            }
            attributes.append(.init(namespace: namespace, name: name, value: value))
            property = attribute.pointee.next
        }
        var children: [XMLElement] = []
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE: children.append(element(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { text += String(cString: content) }
            default: break
            }
            child = current.pointee.next
        }
        return XMLElement(
            name: String(cString: node.pointee.name),
            namespace: node.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) },
            attributes: attributes, children: children, text: text, line: Int(xmlGetLineNo(node)))
    }

    /// The line of a `<!DOCTYPE` declaration, if the document has one.
    private static func doctypeLine(_ bytes: [UInt8]) -> Int? {
        let needle = Array("<!DOCTYPE".utf8)
        guard bytes.count >= needle.count else { return nil }
        var line = 1
        for index in 0...(bytes.count - needle.count) {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            if bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "!"),
               Array(bytes[index..<index + needle.count]) == needle {
                return line
            }
        }
        return nil
    }
}
