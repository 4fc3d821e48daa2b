/// The API's OpenAPI 3 description, served at `/openapi.json`. `docs/openapi.json` is this string,
/// byte for byte (a test checks it and rewrites the file when it differs). The redaction routes'
/// paths and schemas come from `OpenAPIRedaction`.
enum OpenAPI {
    /// The error answers of every inference route (each lists them all).
    static let inferenceErrors = #"""
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "503": {"$ref": "#/components/responses/Unavailable"},
          "504": {"$ref": "#/components/responses/DeadlineExceeded"}
"""#

    static let spec = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "zhner",
    "version": "1.0.0",
    "description": "Chinese named-entity recognition. Offsets are Unicode code points into the text sent, end exclusive (Python's text[start:end]). Long texts are never truncated."
  },
  "servers": [{"url": "/"}],
  "security": [{"bearer": []}, {}],
  "paths": {
    "/v1/entities": {
      "post": {
        "summary": "Entities of one text",
        "operationId": "entities",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EntitiesRequest"}}}},
        "responses": {
          "200": {"description": "The text's entities, sorted by start", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EntitiesResponse"}}}},
\#(inferenceErrors)
        }
      }
    },
    "/v1/entities/batch": {
      "post": {
        "summary": "Entities of several texts, in order",
        "operationId": "entitiesBatch",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchRequest"}}}},
        "responses": {
          "200": {"description": "One result per text, in the order sent", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchResponse"}}}},
\#(inferenceErrors)
        }
      }
    },
    "/v1/entities/stream": {
      "post": {
        "summary": "Entities of a long text, piece by piece as they are computed",
        "description": "Newline-delimited JSON, sent chunked: one StreamPiece line per group of sentences in text order, then one StreamSummary line. The pieces' entities together are exactly /v1/entities' entities.",
        "operationId": "entitiesStream",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EntitiesRequest"}}}},
        "responses": {
          "200": {"description": "StreamPiece lines, then a StreamSummary line", "content": {"application/x-ndjson": {"schema": {"oneOf": [{"$ref": "#/components/schemas/StreamPiece"}, {"$ref": "#/components/schemas/StreamSummary"}]}}}},
\#(inferenceErrors)
        }
      }
    },
\#(OpenAPIRedaction.paths)
    "/healthz": {
      "get": {
        "summary": "Liveness: the process answers",
        "operationId": "healthz",
        "security": [],
        "responses": {
          "200": {"description": "Up", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
          "400": {"$ref": "#/components/responses/BadFraming"}
        }
      }
    },
    "/readyz": {
      "get": {
        "summary": "Readiness: the model is loaded and the queue has room",
        "operationId": "readyz",
        "security": [],
        "responses": {
          "200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
          "400": {"$ref": "#/components/responses/BadFraming"},
          "503": {"$ref": "#/components/responses/Unavailable"}
        }
      }
    },
    "/metrics": {
      "get": {
        "summary": "Prometheus metrics (text format 0.0.4)",
        "description": "Needs a key when keys are configured, unless the server runs with --public-metrics.",
        "operationId": "metrics",
        "responses": {
          "200": {"description": "Metrics", "content": {"text/plain": {"schema": {"type": "string"}}}},
          "400": {"$ref": "#/components/responses/BadFraming"},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/openapi.json": {
      "get": {
        "summary": "This document",
        "operationId": "openapi",
        "security": [],
        "responses": {
          "200": {"description": "OpenAPI 3 document", "content": {"application/json": {"schema": {"type": "object"}}}},
          "400": {"$ref": "#/components/responses/BadFraming"}
        }
      }
    },
    "/": {
      "get": {
        "summary": "Web page that highlights entities as you type",
        "operationId": "page",
        "security": [],
        "responses": {
          "200": {"description": "HTML document", "content": {"text/html": {"schema": {"type": "string"}}}},
          "400": {"$ref": "#/components/responses/BadFraming"}
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {"type": "http", "scheme": "bearer", "description": "An API key from --api-key, ZHNER_API_KEYS or --api-key-file. Needed only when keys are configured."}
    },
    "schemas": {
      "EntitiesRequest": {
        "type": "object",
        "required": ["text"],
        "additionalProperties": false,
        "properties": {
          "text": {"type": "string", "description": "At most max-text-chars code points (default 100000)."},
          "types": {"$ref": "#/components/schemas/Types"},
          "patterns": {"$ref": "#/components/schemas/Patterns"}
        }
      },
      "BatchRequest": {
        "type": "object",
        "required": ["texts"],
        "additionalProperties": false,
        "properties": {
          "texts": {"type": "array", "items": {"type": "string"}, "description": "At most max-batch-texts texts (default 256), each at most max-text-chars code points."},
          "types": {"$ref": "#/components/schemas/Types"},
          "patterns": {"$ref": "#/components/schemas/Patterns"}
        }
      },
      "Types": {"type": "array", "items": {"type": "string"}, "description": "Keep only entities of these types (names the model or the custom lexicon knows, e.g. PER, LOC, ORG, or pattern types: PHONE, EMAIL, URL, IP, ID_CARD, BANK_CARD, PASSPORT, PLATE, USCC, DATE, TIME, MONEY, PERCENT); all when absent. A pattern type named here is recognised whatever patterns says.", "example": ["PER", "LOC", "PHONE"]},
      "Patterns": {"type": "string", "enum": ["none", "pii", "all"], "description": "Pattern recognizers of personal data to run: none; pii = PHONE, EMAIL, URL, IP, ID_CARD, BANK_CARD, PASSPORT, PLATE, USCC; all = pii and DATE, TIME, MONEY, PERCENT. When absent, the server's --patterns (default none). URL and EMAIL entities beat lexicon matches, lexicon matches beat other patterns, and all beat the model's entities they overlap."},
      "Entity": {
        "type": "object",
        "required": ["type", "start", "end", "text", "score"],
        "properties": {
          "type": {"type": "string", "example": "PER"},
          "start": {"type": "integer", "description": "First code point, from 0"},
          "end": {"type": "integer", "description": "One past the last code point"},
          "text": {"type": "string", "description": "The text's code points start..<end"},
          "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "Mean probability of the entity's words' labels, 4 decimals; 1 for a lexicon match; for a pattern, its validation strength plus a context boost"},
          "source": {"type": "string", "enum": ["lexicon", "pattern"], "description": "lexicon on matches of the server's custom lexicon (--lexicon), which override any model entity they overlap; pattern on pattern entities (see patterns); absent on model entities"}
        }
      },
      "Entities": {"type": "array", "items": {"$ref": "#/components/schemas/Entity"}},
      "EntitiesResponse": {
        "type": "object",
        "required": ["entities", "model", "took_ms"],
        "properties": {
          "entities": {"$ref": "#/components/schemas/Entities"},
          "model": {"type": "string", "description": "The model folder's name"},
          "took_ms": {"type": "number", "description": "Milliseconds from the request's arrival to its answer"}
        }
      },
      "BatchResponse": {
        "type": "object",
        "required": ["results", "model", "took_ms"],
        "properties": {
          "results": {"type": "array", "items": {"type": "object", "required": ["entities"], "properties": {"entities": {"$ref": "#/components/schemas/Entities"}}}},
          "model": {"type": "string"},
          "took_ms": {"type": "number"}
        }
      },
      "StreamPiece": {
        "type": "object",
        "required": ["entities", "processed", "total"],
        "properties": {
          "entities": {"$ref": "#/components/schemas/Entities"},
          "processed": {"type": "integer", "description": "Code points of the text covered so far"},
          "total": {"type": "integer", "description": "Code points of the whole text"}
        }
      },
      "StreamSummary": {
        "type": "object",
        "required": ["done", "entities_total", "model", "took_ms"],
        "properties": {
          "done": {"type": "boolean", "enum": [true]},
          "entities_total": {"type": "integer"},
          "model": {"type": "string"},
          "took_ms": {"type": "number"}
        }
      },
\#(OpenAPIRedaction.schemas)
      "Status": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "example": "ok"}}},
      "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
          "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
              "code": {"type": "string", "description": "Stable, for programs", "example": "queue_full"},
              "message": {"type": "string", "description": "For people: what is wrong and what to change"}
            }
          }
        }
      }
    },
    "responses": {
      "BadRequest": {"description": "invalid_json (trailing commas included), invalid_utf8 (UTF-16 and UTF-32 included), missing_field, wrong_type, unknown_field, unknown_type, unknown_patterns; on /v1/redact also conflicting_fields (text and texts), unknown_operator, bad_parameter (an operator's parameter out of range), key_required (hash on a server without a redaction key); or a framing error as in BadFraming", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "BadFraming": {"description": "malformed_header (obs-fold, whitespace before the colon, a control byte in a value), bad_host (HTTP/1.1 without Host, or two), bad_transfer_encoding (anything but one Transfer-Encoding: chunked) or ambiguous_length; the connection is closed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Unauthorized": {"description": "unauthorized: no valid Authorization: Bearer key", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "TooLarge": {"description": "body_too_large, text_too_long or too_many_texts; the message names the limit", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "UnsupportedMediaType": {"description": "unsupported_media_type: the body must be application/json", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Unavailable": {"description": "queue_full, not_ready or shutting_down; retry after Retry-After seconds", "headers": {"Retry-After": {"schema": {"type": "integer"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "DeadlineExceeded": {"description": "deadline_exceeded: not started within deadline-ms of the body being received", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    }
  }
}

"""#
}
