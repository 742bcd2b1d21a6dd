package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
)

// bom is the UTF-8 byte order mark; Excel needs it to read a CSV file as
// UTF-8 rather than the system code page (GBK on Chinese Windows).
const bom = "\uFEFF"

// WriteCSV writes s as CSV in UTF-8 with a byte order mark, header first,
// CRLF line ends (what Excel writes).
func WriteCSV(w io.Writer, s Sheet, tr Translate) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("write csv %s: %w", s.Name, err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(s.Header(tr)); err != nil {
		return fmt.Errorf("write csv %s: %w", s.Name, err)
	}
	if err := cw.WriteAll(s.Strings(tr)); err != nil {
		return fmt.Errorf("write csv %s: %w", s.Name, err)
	}
	return nil
}
