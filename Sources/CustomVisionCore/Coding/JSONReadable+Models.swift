import Foundation

// The hot responses and the upload request read themselves (see `JSONReadable`). Unknown members are skipped, as
// `JSONDecoder` ignores them; `null` reads as nil for optional members; a missing required member gives up.

/// The id a value holds while its members are read (a read without an `id` member gives up).
private let placeholderID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

extension ImagePrediction: JSONReadable {
    /// Reads a prediction result.
    package init(json: inout JSONInput) throws {
        var id: UUID?
        self.init(id: placeholderID)
        try json.object { key, json in
            switch key {
            case "id": id = try json.uuid()
            case "project": project = try json.optional { try $0.uuid() }
            case "iteration": iteration = try json.optional { try $0.uuid() }
            case "created": created = try json.optional { try $0.date() }
            case "predictions": predictions = try json.optional { try [Prediction](json: &$0) }
            default: try json.skip()
            }
        }
        guard let id else { throw json.missing() }
        self.id = id
    }
}

extension Prediction: JSONReadable {
    /// Reads one prediction.
    package init(json: inout JSONInput) throws {
        self.init()
        try json.object { key, json in
            switch key {
            case "probability": probability = try json.optional { try $0.double() }
            case "tagId": tagId = try json.optional { try $0.uuid() }
            case "tagName": tagName = try json.optional { try $0.string() }
            case "boundingBox": boundingBox = try json.optional { try BoundingBox(json: &$0) }
            case "tagType": tagType = try json.optional { TagType(rawValue: try $0.string()) }
            default: try json.skip()
            }
        }
    }
}

extension BoundingBox: JSONReadable {
    /// Reads a box.
    package init(json: inout JSONInput) throws {
        let (left, top, width, height) = try JSONInput.rectangle(&json)
        self.init(left: left, top: top, width: width, height: height)
    }
}

extension JSONInput {
    /// The `left`, `top`, `width`, `height` members of an object (and, when `tagId` is given, its `tagId`).
    static func rectangle(
        _ json: inout JSONInput, tagId: UnsafeMutablePointer<UUID?>? = nil
    ) throws -> (Double, Double, Double, Double) {
        var values: [Double?] = [nil, nil, nil, nil]
        try json.object { key, json in
            switch key {
            case "left": values[0] = try json.double()
            case "top": values[1] = try json.double()
            case "width": values[2] = try json.double()
            case "height": values[3] = try json.double()
            case "tagId" where tagId != nil: tagId?.pointee = try json.uuid()
            default: try json.skip()
            }
        }
        guard let l = values[0], let t = values[1], let w = values[2], let h = values[3] else { throw json.missing() }
        return (l, t, w, h)
    }
}

extension ImageCreateSummary: JSONReadable {
    /// Reads an upload summary.
    package init(json: inout JSONInput) throws {
        self.init()
        try json.object { key, json in
            switch key {
            case "isBatchSuccessful": isBatchSuccessful = try json.optional { try $0.bool() }
            case "images": images = try json.optional { try [ImageCreateResult](json: &$0) }
            default: try json.skip()
            }
        }
    }
}

extension ImageCreateResult: JSONReadable {
    /// Reads one image's upload result.
    package init(json: inout JSONInput) throws {
        self.init()
        try json.object { key, json in
            switch key {
            case "sourceUrl": sourceUrl = try json.optional { try $0.string() }
            case "status": status = try json.optional { ImageCreateStatus(rawValue: try $0.string()) }
            case "image": image = try json.optional { try Image(json: &$0) }
            default: try json.skip()
            }
        }
    }
}

extension Image: JSONReadable {
    /// Reads an image.
    package init(json: inout JSONInput) throws {
        var id: UUID?
        self.init(id: placeholderID)
        try json.object { key, json in
            switch key {
            case "id": id = try json.uuid()
            case "created": created = try json.optional { try $0.date() }
            case "width": width = try json.optional { try $0.int() }
            case "height": height = try json.optional { try $0.int() }
            case "resizedImageUri": resizedImageUri = try json.optional { try $0.string() }
            case "thumbnailUri": thumbnailUri = try json.optional { try $0.string() }
            case "originalImageUri": originalImageUri = try json.optional { try $0.string() }
            case "tags": tags = try json.optional { try [ImageTag](json: &$0) }
            case "regions": regions = try json.optional { try [ImageRegion](json: &$0) }
            case "metadata": metadata = try json.optional { try $0.stringMap() }
            default: try json.skip()
            }
        }
        guard let id else { throw json.missing() }
        self.id = id
    }
}

extension ImageTag: JSONReadable {
    /// Reads an image's tag.
    package init(json: inout JSONInput) throws {
        self.init()
        try json.object { key, json in
            switch key {
            case "tagId": tagId = try json.optional { try $0.uuid() }
            case "tagName": tagName = try json.optional { try $0.string() }
            case "created": created = try json.optional { try $0.date() }
            default: try json.skip()
            }
        }
    }
}

extension ImageRegion: JSONReadable {
    /// Reads an image's region.
    package init(json: inout JSONInput) throws {
        var tag: UUID?, regionId: UUID?, tagName: String?, created: Date?
        var rect: [Double?] = [nil, nil, nil, nil]
        try json.object { key, json in
            switch key {
            case "regionId": regionId = try json.optional { try $0.uuid() }
            case "tagName": tagName = try json.optional { try $0.string() }
            case "created": created = try json.optional { try $0.date() }
            case "tagId": tag = try json.uuid()
            case "left": rect[0] = try json.double()
            case "top": rect[1] = try json.double()
            case "width": rect[2] = try json.double()
            case "height": rect[3] = try json.double()
            default: try json.skip()
            }
        }
        guard let tag, let l = rect[0], let t = rect[1], let w = rect[2], let h = rect[3] else {
            throw json.missing()
        }
        self.init(regionId: regionId, tagName: tagName, created: created, tagId: tag, left: l, top: t, width: w,
            height: h)
    }
}

extension ImageFileCreateBatch: JSONReadable {
    /// Reads an upload request.
    package init(json: inout JSONInput) throws {
        self.init()
        try json.object { key, json in
            switch key {
            case "images": images = try json.optional { try [ImageFileCreateEntry](json: &$0) }
            case "tagIds": tagIds = try json.optional { try [UUID](uuids: &$0) }
            case "metadata": metadata = try json.optional { try $0.stringMap() }
            default: try json.skip()
            }
        }
    }
}

extension ImageFileCreateEntry: JSONReadable {
    /// Reads one image of an upload request.
    package init(json: inout JSONInput) throws {
        self.init()
        try json.object { key, json in
            switch key {
            case "name": name = try json.optional { try $0.string() }
            case "contents": contents = try json.optional { try $0.base64() }
            case "tagIds": tagIds = try json.optional { try [UUID](uuids: &$0) }
            case "regions": regions = try json.optional { try [Region](json: &$0) }
            default: try json.skip()
            }
        }
    }
}

extension Region: JSONReadable {
    /// Reads a region of an upload request.
    package init(json: inout JSONInput) throws {
        var tag: UUID?
        let (left, top, width, height) = try JSONInput.rectangle(&json, tagId: &tag)
        guard let tag else { throw json.missing() }
        self.init(tagId: tag, left: left, top: top, width: width, height: height)
    }
}

extension [UUID] {
    /// Reads an array of UUID strings.
    init(uuids json: inout JSONInput) throws {
        self = []
        try json.array { json in append(try json.uuid()) }
    }
}
