import Foundation

/// Bytes → ParsedMessage. One pass over the bytes to build the part tree (headers + byte ranges), then only
/// the parts that are read are decoded. Linear in the input (multipart nesting is capped), never fails.
public enum MessageParser {
    /// Deeper multipart nesting than this is read as one opaque part.
    static let maxDepth = 40

    public static func parse(_ bytes: [UInt8]) -> ParsedMessage {
        bytes.withUnsafeBufferPointer { parse(buffer: $0) }
    }

    public static func parse(buffer: UnsafeBufferPointer<UInt8>) -> ParsedMessage {
        var ctx = Context(buf: buffer)
        let root = ctx.entity(start: 0, end: buffer.count, depth: 0, defaultType: "text/plain")
        if !ctx.rootNonUTF8.isEmpty { redecodeHeaders(root, ctx.rootNonUTF8) }
        var message = ParsedMessage(headers: root.headers)
        message.defects = ctx.defects

        // Two From fields (`From: [??????]` then the real one): the first that holds an address.
        message.from = message.headers(named: "From").lazy.compactMap { AddressList.parse($0).first }
            .first { $0.email.contains("@") } ?? AddressList.parse(message.header("From") ?? "").first
        message.sender = AddressList.parse(message.header("Sender") ?? "").first
        message.replyTo = AddressList.parse(message.headers(named: "Reply-To").joined(separator: ", "))
        message.to = AddressList.parse(message.headers(named: "To").joined(separator: ", "))
        message.cc = AddressList.parse(message.headers(named: "Cc").joined(separator: ", "))
        message.subject = cleanText(EncodedWords.decode(message.header("Subject") ?? ""))
        message.messageID = MessageIDList.parse(message.header("Message-ID") ?? "").first
        message.inReplyTo = MessageIDList.parse(message.header("In-Reply-To") ?? "")
        message.references = MessageIDList.parse(message.header("References") ?? "")
        message.date = message.header("Date").flatMap(RFC5322Date.parse)
        message.contentType = root.declaredType

        // Body selection (RFC 8621 §4.1.4 parseStructure), then decoding of the selected leaves.
        var sel = Selection()
        if root.children.isEmpty {
            sel.walk([root], multipartType: "mixed", inAlternative: false)
        } else {
            sel.walk(root.children, multipartType: root.subtype, inAlternative: root.subtype == "alternative")
        }
        var texts: [String] = []
        var htmls: [String] = []
        for leaf in sel.textBody ?? [] {
            if leaf.type == "text/html" {
                texts.append(HTMLText.render(ctx.text(of: leaf)))
            } else if leaf.type.hasPrefix("text/") {
                texts.append(ctx.text(of: leaf))
            }
        }
        for leaf in sel.htmlBody ?? [] where leaf.type == "text/html" {
            htmls.append(ctx.text(of: leaf))
        }
        message.bodyHTML = htmls.isEmpty ? nil : htmls.joined(separator: "\n")
        // A text alternative of blank lines only says nothing: read the HTML.
        if texts.allSatisfy({ $0.utf8.allSatisfy { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 } }), !htmls.isEmpty {
            texts = htmls.map(HTMLText.render)
        }
        message.bodyText = texts.joined(separator: "\n")

        // Attachments: every named leaf, plus unnamed leaves that are not body text, in document order.
        var bodyLeaves = Set<Int>()
        for leaf in (sel.textBody ?? []) + (sel.htmlBody ?? []) where leaf.type.hasPrefix(
            "text/") { bodyLeaves.insert(leaf.id) }
        var attachments: [Attachment] = []
        func collect(_ node: Node) {
            if !node.children.isEmpty { node.children.forEach(collect); return }
            let named = node.filename != nil
            if !named && bodyLeaves.contains(node.id) { return }
            if !named && node.type.hasPrefix("text/") && node.bodyEnd <= node.bodyStart { return }
            if !named && (node.type == "text/plain" || node.type == "text/html"), node.disposition != "attachment",
               !sel.attachmentIDs.contains(node.id) { return }
            let data = ctx.decoded(node)
            attachments.append(Attachment(filename: node.filename, contentType: node.type, contentID: node.contentID,
                                          isInline: node.disposition == "inline", data: data))
        }
        collect(root)
        message.attachments = attachments
        message.defects = ctx.defects
        return message
    }

    /// Raw 8-bit header values that are not UTF-8 (Shift_JIS, GB2312/GBK…) in the first charset the message
    /// declares elsewhere (Content-Type parameters, encoded words) that reads them without error; else they
    /// stay windows-1252.
    static func redecodeHeaders(_ root: Node, _ raws: [(field: Int, bytes: [UInt8])]) {
        var hints: [String] = []
        func add(_ label: String) {
            let l = label.lowercased()
            // A few: a crafted mail could declare a charset per part.
            guard hints.count < 8, !l.isEmpty, !["utf-8", "utf8", "us-ascii", "ascii"].contains(l), !hints.contains(l)
            else { return }
            hints.append(l)
        }
        func walk(_ node: Node) {
            if let c = node.params["charset"] { add(c) }
            node.children.forEach(walk)
        }
        walk(root)
        for field in root.headers {
            var rest = Substring(field.value)
            while let r = rest.range(of: "=?") {
                let after = rest[r.upperBound...]
                guard let q = after.firstIndex(of: "?") else { break }
                if after.distance(from: after.startIndex, to: q) <= 40 { add(String(after[..<q])) }
                rest = after[q...]
            }
        }
        for (index, bytes) in raws {
            for hint in hints {
                let (text, known) = Charset.decode(bytes, label: hint)
                if known, !text.unicodeScalars.contains("\u{FFFD}") {
                    root.headers[index].value = text
                    break
                }
            }
        }
    }

    static func cleanText(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 ? " " : $0 }))
    }

    // MARK: - Part tree

    final class Node {
        var id = 0
        var headers: [HeaderField] = []
        var type = "text/plain"          // effective type for reading
        var declaredType = "text/plain"  // as declared (root content type report)
        var params: [String: String] = [:]
        var disposition: String? = nil
        var filename: String? = nil
        var contentID: String? = nil
        var encoding = ""
        var bodyStart = 0
        var bodyEnd = 0
        var children: [Node] = []
        var subtype: String { type.split(separator: "/", maxSplits: 1).last.map(String.init) ?? "" }
        init() {}
    }

    struct Context {
        let buf: UnsafeBufferPointer<UInt8>
        var defects: [String] = []
        var nextID = 0
        var rootNonUTF8: [(field: Int, bytes: [UInt8])] = []

        init(buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

        mutating func defect(_ s: String) {
            if defects.count < 200, !defects.contains(s) { defects.append(s) }
        }

        static func last(_ fields: [HeaderField], _ name: String) -> String? {
            fields.last { asciiCaseInsensitiveEqual($0.name, name) }?.value
        }
        static func first(_ fields: [HeaderField], _ name: String) -> String? {
            fields.first { asciiCaseInsensitiveEqual($0.name, name) }?.value
        }

        mutating func entity(start: Int, end: Int, depth: Int, defaultType: String) -> Node {
            let node = Node()
            node.id = nextID
            nextID += 1
            let block = HeaderReader.read(buf, start: start, end: end, topLevel: depth == 0)
            for d in block.defects { defect(d) }
            if depth == 0 { rootNonUTF8 = block.nonUTF8 }
            node.headers = block.fields
            node.bodyStart = block.bodyStart
            node.bodyEnd = end

            var type = defaultType
            if let raw = Context.last(block.fields, "Content-Type") {
                let ct = ContentHeader.parse(raw)
                node.params = ct.parameters
                let parts = ct.value.split(separator: "/", omittingEmptySubsequences: false)
                if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty {
                    type = ct.value
                } else {
                    defect("invalid Content-Type: \(raw.prefix(60))")
                    // `text` alone, or garbage: fall back to the default but keep a multipart's boundary.
                    if ct.value.hasPrefix("multipart"), ct.parameters["boundary"] != nil { type = "multipart/mixed" }
                }
            }
            node.declaredType = type
            node.type = type
            if let raw = Context.last(block.fields, "Content-Disposition") {
                let cd = ContentHeader.parse(raw)
                node.disposition = cd.value.isEmpty ? nil : cd.value
                if let f = cd.parameters["filename"], !f.isEmpty { node.filename = f }
            }
            if node.filename == nil, let f = node.params["name"], !f.isEmpty { node.filename = f }
            if let f = node.filename {
                let cleaned = MessageParser.cleanText(f).trimmingBlanks()
                node.filename = cleaned.isEmpty ? nil : cleaned
            }
            if let cid = Context.first(block.fields, "Content-ID") {
                node.contentID = MessageIDList.parse(cid).first
            }
            node.encoding = (Context.last(block.fields, "Content-Transfer-Encoding") ?? "")
                .lowercased().filter { $0 != "\"" && $0 != " " && $0 != "\t" && $0 != "'" }

            if type.hasPrefix("multipart/") {
                let boundaryParam = node.params["boundary"] ?? ""
                let declared = Array(boundaryParam.utf8)
                var boundary = declared
                while let l = boundary.last, l == 32 || l == 9 { boundary.removeLast() }
                if boundary.isEmpty {
                    defect("multipart without boundary")
                    node.type = "text/plain"
                    return node
                }
                if depth >= MessageParser.maxDepth {
                    defect("multipart nesting too deep")
                    node.type = "application/octet-stream"
                    return node
                }
                // The boundary as declared first (trailing blanks and all), so a body line that only starts like
                // it does not split the part; trimmed when the sender's delimiters lost the blanks.
                let ranges = (declared != boundary ? split(start: node.bodyStart, end: end, boundary: declared) : nil)
                    ?? split(start: node.bodyStart, end: end, boundary: boundary)
                if ranges == nil {
                    defect("multipart boundary not found")
                    node.type = "text/plain"
                    return node
                }
                let childDefault = type == "multipart/digest" ? "message/rfc822" : "text/plain"
                for r in ranges! {
                    node.children.append(entity(start: r.lowerBound, end: r.upperBound, depth: depth + 1,
                        defaultType: childDefault))
                }
                if node.children.isEmpty {
                    defect("multipart without parts")
                    node.type = "text/plain"
                    node.bodyEnd = node.bodyStart
                }
            }
            return node
        }

        /// Byte ranges of the parts between delimiter lines; nil when no delimiter occurs.
        mutating func split(start: Int, end: Int, boundary: [UInt8]) -> [Range<Int>]? {
            guard let base = buf.baseAddress else { return nil }
            var parts: [Range<Int>] = []
            var partStart: Int? = nil
            var pos = start
            var closed = false
            let blen = boundary.count
            boundary.withUnsafeBufferPointer { bnd in
                let b0 = bnd.baseAddress!
                while pos < end {
                    let lineEnd: Int
                    if let p = memchr(base + pos, 10, end - pos) {
                        lineEnd = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
                    } else {
                        lineEnd = end
                    }
                    let lineLen = lineEnd - pos
                    if lineLen >= 2 + blen, buf[pos] == 45, buf[pos + 1] == 45, memcmp(base + pos + 2, b0, blen) == 0 {
                        var k = pos + 2 + blen
                        var close = false
                        if k + 1 < lineEnd, buf[k] == 45, buf[k + 1] == 45 { close = true; k += 2 }
                        // Rest of the line: blanks (transport padding) or, after a blank, ignored text.
                        let ok = k >= lineEnd || buf[k] == 32 || buf[k] == 9 || buf[k] == 13
                            || (close && true)
                        if ok {
                            if let ps = partStart {
                                // The line break before the delimiter belongs to the delimiter.
                                var pe = pos
                                if pe > ps, buf[pe - 1] == 10 { pe -= 1; if pe > ps, buf[pe - 1] == 13 { pe -= 1 } }
                                parts.append(ps..<max(ps, pe))
                            }
                            if close {
                                closed = true
                                break
                            }
                            partStart = min(end, lineEnd + 1)
                        }
                    }
                    pos = lineEnd + 1
                }
            }
            if partStart == nil && !closed { return nil }
            if !closed {
                defect("missing closing boundary")
                if let ps = partStart { parts.append(ps..<max(ps, end)) }
            }
            return parts
        }

        // MARK: decoding

        func rawBody(_ node: Node) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: buf[node.bodyStart..<max(node.bodyStart, node.bodyEnd)])
        }

        /// Transfer-decoded bytes of a leaf.
        mutating func decoded(_ node: Node) -> [UInt8] {
            let raw = rawBody(node)
            switch node.encoding {
            case "base64":
                let (data, d) = TransferEncoding.decodeBase64(raw)
                for x in d { defect(x) }
                return data
            case "quoted-printable", "quotedprintable", "qp":
                let (data, d) = TransferEncoding.decodeQuotedPrintable(raw)
                for x in d { defect(x) }
                return data
            case "x-uuencode", "uuencode", "x-uue", "uue":
                if let data = TransferEncoding.decodeUU(raw) ?? TransferEncoding.decodeUU(raw, requireBegin: false) {
                    return data
                }
                defect("uuencoded part without begin line")
                return Array(raw)
            case "", "7bit", "8bit", "binary", "7-bit", "8-bit", "none":
                return Array(raw)
            default:
                defect("unknown transfer encoding: \(node.encoding.prefix(40))")
                return Array(raw)
            }
        }

        /// Decoded text of a text leaf: transfer decoding, CRLF → LF, charset via iconv.
        mutating func text(of node: Node) -> String {
            var data = decoded(node)
            let label = node.params["charset"]
            let wide: Bool = {
                guard let l = label?.lowercased() else { return false }
                return l.contains("16") || l.contains("32") || l.contains("ucs")
            }()
            if !wide, data.contains(13) {
                var w = 0
                let n = data.count
                data.withUnsafeMutableBufferPointer { p in
                    var r = 0
                    while r < n {
                        let c = p[r]
                        if c == 13 {
                            if r + 1 < n, p[r + 1] == 10 { r += 1; continue }
                            p[w] = 10
                        } else {
                            p[w] = c
                        }
                        w += 1
                        r += 1
                    }
                }
                data.removeLast(n - w)
            }
            let (text, known) = Charset.decode(data, label: label)
            if !known, let label { defect("unknown charset: \(label.prefix(40))") }
            return text
        }
    }

    /// RFC 8621 §4.1.4: which leaves are the text body, the HTML body and the attachments. As in the RFC's
    /// JavaScript, the lists are shared while "null" is local to one call (`textOn` / `htmlOn`).
    struct Selection {
        var text: [Node] = []
        var html: [Node] = []
        var textEverOff = false
        var htmlEverOff = false
        var attachmentIDs = Set<Int>()

        var textBody: [Node]? { text }
        var htmlBody: [Node]? { html }

        static func isInlineMedia(_ t: String) -> Bool {
            t.hasPrefix("image/") || t.hasPrefix("audio/") || t.hasPrefix("video/")
        }

        static func isBodyText(_ t: String) -> Bool {
            t == "text/plain" || t == "text/html" || t == "text/enriched" || t == "text/richtext"
                || t == "text/x-plain" || t == "text/markdown" || t == "text/x-markdown" || t == "text/flowed"
        }

        mutating func walk(_ parts: [Node], multipartType: String, inAlternative: Bool) {
            walk(parts, multipartType: multipartType, inAlternative: inAlternative, textOn: true, htmlOn: true)
        }

        mutating func walk(_ parts: [Node], multipartType: String, inAlternative: Bool, textOn textOn0: Bool,
            htmlOn htmlOn0: Bool) {
            var textOn = textOn0, htmlOn = htmlOn0
            let textLength = textOn ? text.count : -1
            let htmlLength = htmlOn ? html.count : -1
            for (i, part) in parts.enumerated() {
                let isMultipart = !part.children.isEmpty
                let isText = Selection.isBodyText(part.type)
                let isImage = part.type.hasPrefix("image/")
                let isInline = part.disposition != "attachment" && (isText || isImage)
                    && (i == 0 || (multipartType != "related" && (isImage || part.filename == nil)))
                if isMultipart {
                    let sub = part.subtype
                    walk(part.children, multipartType: sub, inAlternative: inAlternative || sub == "alternative",
                         textOn: textOn, htmlOn: htmlOn)
                } else if isInline {
                    if multipartType == "alternative" {
                        if part.type == "text/html" { if htmlOn { html.append(
                            part) } } else if isText { if textOn { text.append(part) } } else { attachmentIDs.insert(
                                part.id) }
                        continue
                    } else if inAlternative {
                        if part.type != "text/html" && isText { htmlOn = false }
                        if part.type == "text/html" { textOn = false }
                    }
                    if textOn { text.append(part) }
                    if htmlOn { html.append(part) }
                    if isImage || ((!textOn || !htmlOn) && Selection.isInlineMedia(part.type)) { attachmentIDs.insert(
                        part.id) }
                } else {
                    attachmentIDs.insert(part.id)
                }
            }
            if multipartType == "alternative", textOn, htmlOn {
                if textLength == text.count, htmlLength != html.count {
                    for k in max(0, htmlLength)..<html.count { text.append(html[k]) }
                }
                if htmlLength == html.count, textLength != text.count {
                    for k in max(0, textLength)..<text.count { html.append(text[k]) }
                }
            }
        }
    }
}

extension Attachment {
    /// For a message/rfc822 (or message/global) attachment: the attached mail, parsed. nil otherwise.
    public var embeddedMessage: ParsedMessage? {
        let t = contentType.lowercased()
        guard t == "message/rfc822" || t == "message/global" || t == "message/news" else { return nil }
        return MessageParser.parse(data)
    }
}

extension Attachment {
    /// The name to show: the file name, else for an attached mail its subject (a forward as attachment has no
    /// file name but says what it is about).
    public var displayName: String? {
        if let filename { return filename }
        guard let subject = embeddedMessage?.subject, !subject.isEmpty else { return nil }
        return subject + ".eml"
    }
}
