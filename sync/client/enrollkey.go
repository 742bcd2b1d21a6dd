package client

import (
	"context"
	"fmt"
	"time"

	"doorstep/sync/client/api"
	"doorstep/sync/evidence"
)

// EnrollDevice enrolls the device whose database is db (with site id
// siteID), registering its evidence public key with the server: the key is
// read from the device's evidence_device table, made there on first use
// (evidence.DeviceKey). On success the client keeps the token.
func (c *Client) EnrollDevice(ctx context.Context, db evidence.DB, code, deviceName, siteID string) (api.EnrollResponse, error) {
	k, err := evidence.DeviceKey(ctx, db, nil, time.Now())
	if err != nil {
		return api.EnrollResponse{}, fmt.Errorf("enroll: %w", err)
	}
	return c.EnrollWith(ctx, api.EnrollRequest{Code: code, DeviceName: deviceName, SiteID: siteID,
		PublicKey: evidence.EncodePublicKey(k.Public())})
}
