// Command porcupine-bench times Porcupine (github.com/anishathalye/porcupine) on a history of
// one register in Faultline's JSON Lines format, for the checker benchmark's grid
// (bench/checker.ts). It is Faultline's code; Porcupine is built from its own repository
// (see README.md).
//
// Usage: porcupine-bench FILE TIMEOUT REPEATS
//
// It prints one JSON object: the best and the first check time in milliseconds, the verdict
// of the last check, and the peak resident memory in kB.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/anishathalye/porcupine"
)

type event struct {
	Type    string      `json:"type"`
	Process string      `json:"process"`
	F       string      `json:"f"`
	Value   interface{} `json:"value"`
	Time    int64       `json:"time"`
}

type input struct {
	write bool
	value int
}

type output struct {
	exists  bool
	value   int
	unknown bool
}

const nilValue = -1000000

// The register model of Porcupine's etcd test, with state hashing.
var model = porcupine.Model{
	Init: func() interface{} { return nilValue },
	Step: func(state, in, out interface{}) (bool, interface{}) {
		st := state.(int)
		i := in.(input)
		o := out.(output)
		if i.write {
			return true, i.value
		}
		ok := o.unknown || (!o.exists && st == nilValue) || (o.exists && st == o.value)
		return ok, state
	},
	Hash:  func(state interface{}) uint64 { return uint64(state.(int)) * 0x9e3779b97f4a7c15 },
	Equal: func(a, b interface{}) bool { return a.(int) == b.(int) },
}

func load(path string) []porcupine.Operation {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	open := map[string]int{}
	var ops []porcupine.Operation
	var unknown []int
	var last int64
	for scanner.Scan() {
		var e event
		if err := json.Unmarshal(scanner.Bytes(), &e); err != nil {
			panic(err)
		}
		last = e.Time
		if e.Type == "invoke" {
			in := input{write: e.F == "write"}
			if in.write {
				in.value = int(e.Value.(float64))
			}
			open[e.Process] = len(ops)
			ops = append(ops, porcupine.Operation{Input: in, Call: e.Time})
			continue
		}
		i := open[e.Process]
		delete(open, e.Process)
		switch e.Type {
		case "ok":
			o := output{}
			if e.F == "read" && e.Value != nil {
				o.exists = true
				o.value = int(e.Value.(float64))
			}
			ops[i].Output = o
			ops[i].Return = e.Time
		case "info":
			unknown = append(unknown, i)
		default:
			panic("a fail event: a generated register history has none")
		}
	}
	for _, i := range open {
		unknown = append(unknown, i)
	}
	// As Porcupine's own Jepsen tests do: an operation of unknown outcome returns at the end.
	for _, i := range unknown {
		ops[i].Output = output{unknown: true}
		ops[i].Return = last + 1
	}
	return ops
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: porcupine-bench FILE TIMEOUT REPEATS")
		os.Exit(2)
	}
	ops := load(os.Args[1])
	timeout, err := time.ParseDuration(os.Args[2])
	if err != nil {
		panic(err)
	}
	repeats, err := strconv.Atoi(os.Args[3])
	if err != nil {
		panic(err)
	}
	best, first := 0.0, 0.0
	var result porcupine.CheckResult
	for r := 0; r < repeats; r++ {
		start := time.Now()
		result = porcupine.CheckOperationsTimeout(model, ops, timeout)
		ms := float64(time.Since(start).Microseconds()) / 1000
		if r == 0 {
			first, best = ms, ms
		} else if ms < best {
			best = ms
		}
	}
	var usage syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &usage)
	fmt.Printf("{\"ms\":%.3f,\"firstMs\":%.3f,\"verdict\":%q,\"maxRssKb\":%d}\n",
		best, first, result, usage.Maxrss)
}
