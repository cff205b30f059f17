import Foundation

// The hot response types write their own JSON, members in declaration order as the synthesized `Encodable`
// conformance writes them.

extension ImageCreateSummary: JSONWritable {
    /// Appends the summary's JSON.
    package func write(to json: inout JSONOutput) {
        json.object { json in
            json.member("isBatchSuccessful", isBatchSuccessful)
            json.member("images", images)
        }
    }
}

extension ImageCreateResult: JSONWritable {
    /// Appends the result's JSON.
    package func write(to json: inout JSONOutput) {
        json.object { json in
            json.member("sourceUrl", sourceUrl)
            json.member("status", status?.rawValue)
            json.member("image", image)
        }
    }
}

extension Image: JSONWritable {
    /// Appends the image's JSON.
    package func write(to json: inout JSONOutput) {
        json.object { json in
            json.member("id", id)
            json.member("created", created)
            json.member("width", width)
            json.member("height", height)
            json.member("resizedImageUri", resizedImageUri)
            json.member("thumbnailUri", thumbnailUri)
            json.member("originalImageUri", originalImageUri)
            json.member("tags", tags)
            json.member("regions", regions)
            json.member("metadata", metadata)
        }
    }
}

extension ImageTag: JSONWritable {
    /// Appends the tag's JSON.
    package func write(to json: inout JSONOutput) {
        json.object { json in
            json.member("tagId", tagId)
            json.member("tagName", tagName)
            json.member("created", created)
        }
    }
}

extension ImageRegion: JSONWritable {
    /// Appends the region's JSON.
    package func write(to json: inout JSONOutput) {
        json.object { json in
            json.member("regionId", regionId)
            json.member("tagName", tagName)
            json.member("created", created)
            json.member("tagId", tagId)
            json.member("left", left)
            json.member("top", top)
            json.member("width", width)
            json.member("height", height)
        }
    }
}

extension ImagePrediction: JSONWritable {
    /// Appends the prediction result's JSON.
    package func write(to json: inout JSONOutput) {
        json.object { json in
            json.member("id", id)
            json.member("project", project)
            json.member("iteration", iteration)
            json.member("created", created)
            json.member("predictions", predictions)
        }
    }
}

extension Prediction: JSONWritable {
    /// Appends the prediction's JSON.
    package func write(to json: inout JSONOutput) {
        json.object { json in
            json.member("probability", probability)
            json.member("tagId", tagId)
            json.member("tagName", tagName)
            json.member("boundingBox", boundingBox)
            json.member("tagType", tagType?.rawValue)
        }
    }
}

extension BoundingBox: JSONWritable {
    /// Appends the box's JSON.
    package func write(to json: inout JSONOutput) {
        json.object { json in
            json.member("left", left)
            json.member("top", top)
            json.member("width", width)
            json.member("height", height)
        }
    }
}
