package wire

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// realisticSet is a push of n household form saves: every column of a
// household, 3 members and 6 incomes, one clock per save, UUID v7-like ids,
// Chinese names and addresses — what a device sends after a day of visits.
func realisticSet(n int) *change.Set {
	rng := rand.New(rand.NewPCG(1, 2))
	id := func() string {
		return fmt.Sprintf("0195%04x-%04x-7%03x-8%03x-%012x", rng.IntN(1<<16), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()&(1<<48-1))
	}
	val := func(col schema.Column) any {
		switch {
		case col.Name == "deleted":
			return int64(0)
		case col.Type == schema.TypeInt:
			return int64(rng.IntN(300000))
		case col.Type == schema.TypeReal:
			return rng.Float64() * 100
		case col.Name == "community_id" || col.Name == "household_id" || col.Name == "member_id" || col.Name == "caseworker_id":
			return "0195a000-3333-7000-8000-000000000042"
		case rng.IntN(3) == 0:
			return nil
		case rng.IntN(2) == 0:
			return "2024-05-12"
		default:
			return "幸福路" + fmt.Sprint(rng.IntN(300)) + "号王建国"
		}
	}
	set := &change.Set{Batch: "cv37img5tppgl4002kb0", Site: siteA, Schema: 1}
	t0 := hlc.New(1740816000000, 0)
	for i := 0; i < n; i++ {
		clock := change.Clock{HLC: t0 + hlc.Timestamp(i)<<16, Site: siteA}
		for _, tn := range []string{"households", "members", "members", "members", "incomes", "incomes", "incomes", "incomes", "incomes", "incomes"} {
			tb, _ := schema.Reg.Table(tn)
			rid := id()
			for _, col := range tb.Columns {
				set.Changes = append(set.Changes, change.Change{Table: tn, ID: rid, Column: col.Name, Value: val(col), Clock: clock, User: "worker-17"})
			}
		}
	}
	return set
}

// jsonChange is the JSON alternative measured against the binary format.
type jsonChange struct {
	T    string `json:"t"`
	ID   string `json:"id"`
	C    string `json:"c"`
	V    any    `json:"v"`
	H    uint64 `json:"h"`
	S    string `json:"s"`
	U    string `json:"u,omitempty"`
	BH   uint64 `json:"bh,omitempty"`
	BS   string `json:"bs,omitempty"`
	Kind string `json:"k,omitempty"`
}

type jsonSet struct {
	Proto   int          `json:"proto"`
	Schema  int          `json:"schema"`
	Batch   string       `json:"batch"`
	Site    string       `json:"site"`
	Changes []jsonChange `json:"changes"`
}

func toJSON(s *change.Set) jsonSet {
	out := jsonSet{Proto: 1, Schema: s.Schema, Batch: s.Batch, Site: s.Site}
	for _, c := range s.Changes {
		out.Changes = append(out.Changes, jsonChange{T: c.Table, ID: c.ID, C: c.Column, V: c.Value,
			H: uint64(c.Clock.HLC), S: c.Clock.Site, U: c.User, BH: uint64(c.Base.HLC), BS: c.Base.Site})
	}
	return out
}

// gz compresses b as Encode does (its pooled writers), so the JSON
// figures below pay for gzip what the binary ones pay.
func gz(b []byte) []byte {
	var buf bytes.Buffer
	if err := compress(&buf, b); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// BenchmarkEncoding compares the binary format with JSON on a realistic
// push (200 form saves, 19,400 changes): gzipped bytes per change and
// encode and decode time per change. docs/PROTOCOL.md records the numbers.
func BenchmarkEncoding(b *testing.B) {
	set := realisticSet(200)
	n := float64(len(set.Changes))
	b.Run("binary", func(b *testing.B) {
		raw, _ := Marshal(set)
		var zipped bytes.Buffer
		Encode(&zipped, set)
		b.Run("encode", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := Encode(io.Discard, set); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(raw))/n, "raw-B/change")
			b.ReportMetric(float64(zipped.Len())/n, "gzip-B/change")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/change")
		})
		b.Run("decode", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := Decode(bytes.NewReader(zipped.Bytes()), schema.Reg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/change")
		})
	})
	b.Run("json", func(b *testing.B) {
		raw, _ := json.Marshal(toJSON(set))
		zipped := gz(raw)
		b.Run("encode", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				raw, _ := json.Marshal(toJSON(set))
				gz(raw)
			}
			b.ReportMetric(float64(len(raw))/n, "raw-B/change")
			b.ReportMetric(float64(len(zipped))/n, "gzip-B/change")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/change")
		})
		b.Run("decode", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				zr, _ := gzip.NewReader(bytes.NewReader(zipped))
				raw, _ := io.ReadAll(zr)
				var js jsonSet
				if err := json.Unmarshal(raw, &js); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/change")
		})
	})
}
