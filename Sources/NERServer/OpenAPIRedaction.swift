/// The redaction routes' part of `OpenAPI.spec`, kept beside their handler: the paths, then the
/// schemas, each spliced into the document where its kind belongs.
enum OpenAPIRedaction {
    static let paths = #"""
    "/v1/redact": {
      "post": {
        "summary": "A text (or several) with its entities replaced",
        "description": "The entities /v1/entities finds for the same body (/v1/entities/batch for texts), replaced as operators says. Without patterns: the server's --patterns, but at least pii.",
        "operationId": "redact",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RedactRequest"}}}},
        "responses": {
          "200": {"description": "The redacted text and its items; for texts, one result per text, in the order sent", "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/RedactResponse"}, {"$ref": "#/components/schemas/RedactBatchResponse"}]}}}},
\#(OpenAPI.inferenceErrors)
        }
      }
    },
    "/v1/redact/stream": {
      "post": {
        "summary": "A long text redacted piece by piece as its entities are computed",
        "description": "Newline-delimited JSON, sent chunked: one RedactPiece line per piece in text order, then one StreamSummary line (entities_total: the items). The pieces' texts joined are /v1/redact's text, and their items its items, offsets counted from the start of the whole text.",
        "operationId": "redactStream",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RedactStreamRequest"}}}},
        "responses": {
          "200": {"description": "RedactPiece lines, then a StreamSummary line", "content": {"application/x-ndjson": {"schema": {"oneOf": [{"$ref": "#/components/schemas/RedactPiece"}, {"$ref": "#/components/schemas/StreamSummary"}]}}}},
\#(OpenAPI.inferenceErrors)
        }
      }
    },
"""#

    static let schemas = #"""
      "RedactRequest": {
        "type": "object",
        "description": "Exactly one of text and texts.",
        "additionalProperties": false,
        "properties": {
          "text": {"type": "string", "description": "At most max-text-chars code points (default 100000)."},
          "texts": {"type": "array", "items": {"type": "string"}, "description": "At most max-batch-texts texts, each at most max-text-chars code points; they share one pseudonym table."},
          "types": {"$ref": "#/components/schemas/Types"},
          "patterns": {"$ref": "#/components/schemas/Patterns"},
          "operators": {"$ref": "#/components/schemas/Operators"},
          "include_originals": {"type": "boolean", "default": false, "description": "Give each item the original text it replaced (to reverse the redaction)"}
        }
      },
      "RedactStreamRequest": {
        "type": "object",
        "required": ["text"],
        "additionalProperties": false,
        "properties": {
          "text": {"type": "string", "description": "At most max-text-chars code points (default 100000)."},
          "types": {"$ref": "#/components/schemas/Types"},
          "patterns": {"$ref": "#/components/schemas/Patterns"},
          "operators": {"$ref": "#/components/schemas/Operators"},
          "include_originals": {"type": "boolean", "default": false}
        }
      },
      "Operators": {"type": "object", "description": "The operator of each type the model, the lexicon or the patterns know; default stands for every type not named. Without it, every type is replaced by [TYPE].", "additionalProperties": {"$ref": "#/components/schemas/Operator"}, "example": {"PER": {"type": "pseudonym"}, "PHONE": {"type": "mask", "keep_first": 3, "keep_last": 4}, "default": {"type": "replace"}}},
      "Operator": {
        "type": "object",
        "required": ["type"],
        "additionalProperties": false,
        "properties": {
          "type": {"type": "string", "enum": ["replace", "mask", "hash", "pseudonym", "keep"], "description": "replace: the template; mask: characters masked but the first and last kept; hash: hex digits of HMAC-SHA256(the server's key, the text in UTF-8), refused (key_required) without --redact-key-file or ZHNER_REDACT_KEY; pseudonym: the type's Chinese label and a number by first appearance in the request (人物1), with a key also 6 hex digits of a keyed hash (人物1-3f9a0c); keep: left as it is"},
          "template": {"type": "string", "maxLength": 256, "default": "[{type}]", "description": "replace: {type} is the type, {label} its Chinese name (人物, 地点, 机构, 电话, ...); no control characters"},
          "keep_first": {"type": "integer", "minimum": 0, "maximum": 64, "default": 0, "description": "mask: code points kept at the start"},
          "keep_last": {"type": "integer", "minimum": 0, "maximum": 64, "default": 0, "description": "mask: code points kept at the end; a text of keep_first + keep_last code points or fewer is masked whole"},
          "mask_char": {"type": "string", "default": "*", "description": "mask: one printable code point, not a combining mark"},
          "length": {"type": "integer", "minimum": 8, "maximum": 64, "default": 16, "description": "hash: hex digits kept"}
        }
      },
      "RedactionItem": {
        "type": "object",
        "required": ["type", "start", "end", "redacted_start", "redacted_end", "operator"],
        "properties": {
          "type": {"type": "string", "example": "PHONE"},
          "start": {"type": "integer", "description": "First code point in the original text"},
          "end": {"type": "integer", "description": "One past the last code point in the original text"},
          "redacted_start": {"type": "integer", "description": "First code point of the replacement in the redacted text"},
          "redacted_end": {"type": "integer", "description": "One past its last code point"},
          "operator": {"type": "string", "enum": ["replace", "mask", "hash", "pseudonym", "keep"]},
          "text": {"type": "string", "description": "The original text; only with include_originals"}
        }
      },
      "RedactionItems": {"type": "array", "items": {"$ref": "#/components/schemas/RedactionItem"}},
      "RedactResponse": {"type": "object", "required": ["text", "items", "model", "took_ms"], "properties": {"text": {"type": "string", "description": "The redacted text"}, "items": {"$ref": "#/components/schemas/RedactionItems"}, "model": {"type": "string"}, "took_ms": {"type": "number"}}},
      "RedactBatchResponse": {"type": "object", "required": ["results", "model", "took_ms"], "properties": {"results": {"type": "array", "items": {"type": "object", "required": ["text", "items"], "properties": {"text": {"type": "string"}, "items": {"$ref": "#/components/schemas/RedactionItems"}}}}, "model": {"type": "string"}, "took_ms": {"type": "number"}}},
      "RedactPiece": {
        "type": "object",
        "required": ["text", "items", "processed", "total"],
        "properties": {
          "text": {"type": "string", "description": "The redaction of the original code points from the previous line's processed to this one's"},
          "items": {"$ref": "#/components/schemas/RedactionItems"},
          "processed": {"type": "integer", "description": "Code points of the original text covered so far"},
          "total": {"type": "integer", "description": "Code points of the whole original text"}
        }
      },
"""#
}
