package api

import (
	"time"

	"doorstep/schema"
)

// Paths of the endpoints. Blob paths continue with the blob's hash.
const (
	PathHealth  = "/v1/health"
	PathEnroll  = "/v1/enroll"
	PathMe      = "/v1/me"
	PathPush    = "/v1/push"
	PathPull    = "/v1/pull"
	PathBlobs   = "/v1/blobs/"
	PathMetrics = "/metrics"
	// PathReady is for load balancers, not devices: 200 while this server
	// process takes new requests, 503 once it is draining (it is about to
	// stop) or its database does not answer.
	PathReady = "/readyz"
)

// ContentType is the media type of changesets on the wire: the sync/wire
// encoding, gzip-compressed (push bodies and pull pages).
const ContentType = "application/vnd.doorstep.changeset+gzip"

// Headers used beside JSON bodies.
const (
	// HeaderCursor carries the next cursor of a pull page.
	HeaderCursor = "Doorstep-Cursor"
	// HeaderMore is "true" when more changes wait after a pull page.
	HeaderMore = "Doorstep-More"
	// HeaderReset is present when the server did not accept the cursor the
	// device sent and the page starts again from the beginning; its value
	// says why: ResetScope or ResetEpoch.
	HeaderReset = "Doorstep-Reset"
	// HeaderReplayed is "true" on a push whose batch was already stored; the
	// body is the original acknowledgement.
	HeaderReplayed = "Doorstep-Replayed"
	// HeaderUploadOffset tells how many bytes of a blob the server holds.
	HeaderUploadOffset = "Upload-Offset"
)

// Values of HeaderReset.
const (
	// ResetScope: the user's scope changed (communities, pairings, street).
	// The device drops every synced row without unpushed writes when it
	// applies this page; the following pages bring back what it may see.
	ResetScope = "scope"
	// ResetEpoch: the cursor is from history the server does not hold (it
	// was restored from a backup). The device keeps its rows and merges.
	ResetEpoch = "epoch"
)

// Health is the body of GET /v1/health.
type Health struct {
	Status        string    `json:"status"` // "ok"
	Epoch         string    `json:"epoch"`
	ServerTime    time.Time `json:"server_time"`
	SchemaVersion int       `json:"schema_version"`
	// Version is the server build's version (package doorstep/sync/version).
	Version string `json:"version"`
}

// EnrollRequest is the body of POST /v1/enroll.
type EnrollRequest struct {
	// Code is the one-time enrollment code an administrator created.
	Code string `json:"code"`
	// DeviceName is a label for the device list ("王芳的平板").
	DeviceName string `json:"device_name"`
	// SiteID is the device replica's site (a UUID). Empty asks the server
	// to choose one, which the device must then use for its replica.
	SiteID string `json:"site_id,omitempty"`
	// PublicKey is the device's evidence public key (Ed25519, standard
	// base64; docs/EVIDENCE.md), registered for the device. Empty for an
	// app from before evidence: the device's entries are then unverifiable.
	PublicKey string `json:"public_key,omitempty"`
}

// User is what a device learns about its signed-in user.
type User struct {
	ID   string      `json:"id"`
	Name string      `json:"name"`
	Role schema.Role `json:"role"`
	// Street is a supervisor's street; empty means the whole district.
	Street      string   `json:"street_id"`
	Communities []string `json:"communities"`
	Pairings    []string `json:"pairings"`
}

// EnrollResponse is the answer to a successful enrollment. The token is
// shown once: the server keeps only its hash.
type EnrollResponse struct {
	Token      string    `json:"token"`
	DeviceID   string    `json:"device_id"`
	SiteID     string    `json:"site_id"`
	User       User      `json:"user"`
	Epoch      string    `json:"epoch"`
	ServerTime time.Time `json:"server_time"`
	// ExpiresAt is when the token stops working; zero means never.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// Me is the body of GET /v1/me: the device and its user as the server sees
// them now (communities and pairings may change after enrollment).
type Me struct {
	DeviceID string `json:"device_id"`
	SiteID   string `json:"site_id"`
	User     User   `json:"user"`
}

// PushAck acknowledges a committed push. A replayed batch gets the same
// acknowledgement again.
type PushAck struct {
	BatchID string `json:"batch_id"`
	// Seq is the server sequence after the batch was committed.
	Seq int64 `json:"seq"`
	// Changes is how many column changes the batch carried.
	Changes int `json:"changes"`
	// Conflicts is how many conflict records the batch created.
	Conflicts int `json:"conflicts"`
}
