import CustomVisionCore
import Foundation
import HTTPTypes
import Hummingbird
import ImagePrep

/// Serves image bytes behind signed, expiring URLs (`/cvimages/{kind}/{digest}?se=…&sig=…`), while an image,
/// stored prediction or export still refers to them.
struct ImageFilesController: Sendable {
    let server: ServerContext

    func register(_ router: Router<BasicRequestContext>) {
        router.get("cvimages/:kind/:digest") { request, context in
            let kind = try context.parameters.require("kind")
            let digest = try context.parameters.require("digest")
            let query = Query(request)
            guard let expiry = try query.int("se"), let sig = query.string("sig"),
                server.signer.verify(kind: kind, digest: digest, expiry: expiry, sig: sig)
            else { throw APIError(.forbidden, .forbidden, "The image URL is invalid or has expired.") }
            guard server.store.read({ $0.refersTo(blob: digest, kind: kind) }),
                let bytes = server.store.blobs.get(digest)
            else {
                throw APIError.notFound(.notFoundImage, "Image not found.")
            }
            let served = await server.renditions.bytes(
                kind: kind, digest: digest, original: bytes, budget: server.pixelBudget)
            let type = kind == "export" ? "application/zip" : Self.contentType(served)
            return Response(
                status: .ok, headers: [.contentType: type],
                body: .init(byteBuffer: ByteBuffer(bytes: served)))
        }
    }

    /// The media type of image bytes, from their signature (JPEG when unknown).
    static func contentType(_ bytes: [UInt8]) -> String {
        switch ImageFormat.detect(bytes) {
        case .png: "image/png"
        case .gif: "image/gif"
        case .bmp: "image/bmp"
        default: "image/jpeg"
        }
    }
}
