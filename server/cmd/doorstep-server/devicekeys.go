package main

import (
	"encoding/json"
	"io"

	"doorstep/server/store"
	"doorstep/sync/evidence"
)

// keyFingerprint is the fingerprint people compare by eye of a registered
// evidence key (docs/EVIDENCE.md); "" for none.
func keyFingerprint(publicKey string) string {
	if publicKey == "" {
		return ""
	}
	pub, err := evidence.ParsePublicKey(publicKey)
	if err != nil {
		return "invalid key"
	}
	return evidence.Fingerprint(pub)
}

// listedDevice is a device as `devices list --json` prints it: the store's
// fields and its evidence key.
type listedDevice struct {
	store.Device
	PublicKey   string `json:",omitempty"`
	Fingerprint string `json:",omitempty"`
}

// encodeDevices prints the devices as indented JSON, each with its key.
func encodeDevices(out io.Writer, ds []store.Device, keys map[string]string) error {
	list := make([]listedDevice, len(ds))
	for i, d := range ds {
		list[i] = listedDevice{Device: d, PublicKey: keys[d.ID], Fingerprint: keyFingerprint(keys[d.ID])}
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(list)
}
