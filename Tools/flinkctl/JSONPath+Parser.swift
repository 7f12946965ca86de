/// Reads a JSONPath template, one character at a time.
struct JSONPathParser {
    private let characters: [Character]
    private var position = 0

    init(_ template: String) {
        characters = Array(template)
    }

    /// The whole template.
    mutating func template() throws -> [JSONPath.Piece] {
        try pieces(inRange: nil)
    }

    /// Pieces up to the end of the template, or up to the `{end}` of the `{range}` that started at `inRange`.
    private mutating func pieces(inRange: Int?) throws -> [JSONPath.Piece] {
        var pieces: [JSONPath.Piece] = []
        var text = ""
        while let character = peek {
            guard character == "{" else {
                text.append(character)
                position += 1
                continue
            }
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
            let start = position
            position += 1
            skipSpaces()
            if peek == "\"" {
                pieces.append(.text(try quoted()))
                try close(start)
            } else if keyword("end") {
                try close(start)
                guard inRange != nil else { throw JSONPath.Error(message: "{end} without {range}", position: start) }
                return pieces
            } else if keyword("range") {
                let steps = try path()
                try close(start)
                pieces.append(.range(steps, try self.pieces(inRange: start)))
            } else {
                let steps = try path()
                try close(start)
                pieces.append(.path(steps))
            }
        }
        if let inRange { throw JSONPath.Error(message: "{range} without {end}", position: inRange) }
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }

    private var peek: Character? { position < characters.count ? characters[position] : nil }

    private mutating func skipSpaces() {
        while peek == " " { position += 1 }
    }

    /// Consumes `word` when it is followed by a space or `}`.
    private mutating func keyword(_ word: String) -> Bool {
        let end = position + word.count
        guard end <= characters.count, String(characters[position..<end]) == word else { return false }
        guard end == characters.count || characters[end] == " " || characters[end] == "}" else { return false }
        position = end
        skipSpaces()
        return true
    }

    /// Consumes the `}` of the expression that opened at `start`.
    private mutating func close(_ start: Int) throws {
        skipSpaces()
        guard let character = peek else { throw JSONPath.Error(message: "unclosed {", position: start) }
        guard character == "}" else { throw unexpected(character) }
        position += 1
    }

    private func unexpected(_ character: Character) -> JSONPath.Error {
        JSONPath.Error(message: "unexpected \"\(character)\"", position: position)
    }

    /// A double- or single-quoted string with `\n`, `\t`, `\\` and `\"` escapes.
    private mutating func quoted() throws -> String {
        let start = position
        let quote = characters[position]
        position += 1
        var text = ""
        while let character = peek {
            position += 1
            if character == quote { return text }
            guard character == "\\" else {
                text.append(character)
                continue
            }
            guard let escaped = peek else { break }
            position += 1
            switch escaped {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            default: text.append(escaped)
            }
        }
        throw JSONPath.Error(message: "unterminated string", position: start)
    }

    /// A path: `$` or `@`, then `.name`, `.*`, `[n]`, `[*]` or `['name']` steps, up to the closing `}`.
    private mutating func path() throws -> [JSONPath.Step] {
        var steps: [JSONPath.Step] = []
        let start = position
        if peek == "$" || peek == "@" { position += 1 }
        while let character = peek, character != "}", character != " " {
            switch character {
            case ".": steps += try dotStep()
            case "[": steps.append(try bracketStep())
            default:
                guard position == start else { throw unexpected(character) }
                throw JSONPath.Error(message: "a path starts with . or [ (e.g. {.metadata.name})", position: position)
            }
        }
        guard position > start else { throw JSONPath.Error(message: "empty expression", position: position) }
        return steps
    }

    /// `.name`, `.*`, or a lone `.` (the current value).
    private mutating func dotStep() throws -> [JSONPath.Step] {
        position += 1
        switch peek {
        case "*"?:
            position += 1
            return [.all]
        case "."?:
            throw JSONPath.Error(message: "recursive descent (..) is not supported", position: position - 1)
        case nil, "}"?, "["?, " "?:
            return []
        default:
            var name = ""
            while let character = peek, !".[} ".contains(character) {
                position += 1
                if character == "\\", let escaped = peek {
                    position += 1
                    name.append(escaped)
                } else {
                    name.append(character)
                }
            }
            return [.member(name)]
        }
    }

    /// `[n]`, `[*]`, `['name']` or `["name"]`.
    private mutating func bracketStep() throws -> JSONPath.Step {
        let start = position
        position += 1
        let step: JSONPath.Step
        switch peek {
        case "*"?:
            position += 1
            step = .all
        case "'"?, "\""?:
            step = .member(try quoted())
        case "?"?:
            throw JSONPath.Error(message: "filters [?(...)] are not supported", position: position)
        default:
            var digits = ""
            while let character = peek, character.isNumber || (digits.isEmpty && character == "-") {
                digits.append(character)
                position += 1
            }
            guard let index = Int(digits) else {
                throw JSONPath.Error(message: "expected an index, * or a quoted name after [", position: start + 1)
            }
            step = .index(index)
        }
        guard peek == "]" else {
            if peek == ":" { throw JSONPath.Error(message: "slices [a:b] are not supported", position: position) }
            throw JSONPath.Error(message: "unclosed [", position: start)
        }
        position += 1
        return step
    }
}
