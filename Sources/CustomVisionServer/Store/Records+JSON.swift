import CustomVisionCore

// Image records are stored as JSON once per uploaded image: they write it themselves (the document JSONEncoder
// writes; `RecordJSONTests` reads it back with JSONDecoder).

extension ImageRecord: JSONWritable {
    func write(to json: inout JSONOutput) {
        json.object { json in
            json.member("id", id)
            json.member("projectId", projectId)
            json.member("created", created)
            json.member("width", width)
            json.member("height", height)
            json.member("blob", blob)
            json.member("tags", tags)
            json.member("regions", regions)
            json.member("metadata", metadata)
        }
    }
}

extension TagAssignment: JSONWritable {
    func write(to json: inout JSONOutput) {
        json.object { json in
            json.member("tagId", tagId)
            json.member("created", created)
        }
    }
}

extension RegionRecord: JSONWritable {
    func write(to json: inout JSONOutput) {
        json.object { json in
            json.member("regionId", regionId)
            json.member("tagId", tagId)
            json.member("created", created)
            json.member("left", left)
            json.member("top", top)
            json.member("width", width)
            json.member("height", height)
        }
    }
}
