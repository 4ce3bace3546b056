package sqlast

import (
	"encoding/gob"
	"encoding/json"
	"os"
	"testing"

	gojson "github.com/goccy/go-json"
)

func loadJSON(b *testing.B) []string {
	var out []string
	f, _ := os.Open("/tmp/explore/json.gob")
	defer f.Close()
	gob.NewDecoder(f).Decode(&out)
	return out
}

func BenchmarkZZStd(b *testing.B) {
	js := loadJSON(b)
	b.ResetTimer()
	for b.Loop() {
		for _, j := range js {
			var r result
			if err := json.Unmarshal([]byte(j), &r); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkZZGoccy(b *testing.B) {
	js := loadJSON(b)
	b.ResetTimer()
	for b.Loop() {
		for _, j := range js {
			var r result
			if err := gojson.Unmarshal([]byte(j), &r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
