package field

import (
	"doorstep/app/kit"
	"encoding/json"

	"doorstep/app/records"
)

// loadForm finds the model a form of kind opens for ref, in this order: the
// draft ref carries, the draft of record ref.RecordID, the stored record
// (stored, when table has a live row ref.RecordID), the latest draft about
// ref.SubjectID, and last a new record (fresh).
func loadForm[T any](x *kit.Env, kind, table string, ref formRef, stored, fresh func() (*T, error)) (*T, error) {
	if ref.Draft != nil {
		return decodeDraft[T](*ref.Draft)
	}
	if d, ok := draftOf(x, kind, ref.RecordID, "", nil); ok {
		return decodeDraft[T](d)
	}
	if recordExists(x, table, ref.RecordID) {
		return stored()
	}
	if ref.SubjectID != "" {
		if d, ok := draftOf(x, kind, "", ref.SubjectID, nil); ok {
			return decodeDraft[T](d)
		}
	}
	return fresh()
}

// decodeDraft is the form model a draft holds.
func decodeDraft[T any](d records.Draft) (*T, error) {
	m := new(T)
	if err := json.Unmarshal(d.Data, m); err != nil {
		return nil, err
	}
	return m, nil
}
