// Package downloadhealth is the fixed twin of cases/downloadhealth: the
// health monitor copies the active tasks while holding d.activeMu and sums
// their speeds after releasing it.
//
// Report: https://github.com/SurgeDM/Surge/issues/5
package downloadhealth

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// activeTask is one connection's progress.
type activeTask struct {
	SpeedMu sync.Mutex
	Speed   float64 // bytes per second
	Start   int64
	End     int64
}

// Downloader fetches one file over several connections.
type Downloader struct {
	client *http.Client
	url    string

	activeMu    sync.Mutex
	activeTasks map[int]*activeTask

	lowSpeed func(avg float64) // called when the average speed drops
}

// New returns a downloader for url.
func New(client *http.Client, url string, lowSpeed func(float64)) *Downloader {
	return &Downloader{client: client, url: url, activeTasks: make(map[int]*activeTask), lowSpeed: lowSpeed}
}

// Download fetches the ranges with one worker per range.
func (d *Downloader) Download(ctx context.Context, ranges [][2]int64, w io.WriterAt) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go d.monitorHealth(ctx)
	var wg sync.WaitGroup
	errs := make(chan error, len(ranges))
	for id, r := range ranges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.worker(ctx, id, r[0], r[1], w); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func (d *Downloader) worker(ctx context.Context, id int, start, end int64, w io.WriterAt) error {
	task := &activeTask{Start: start, End: end}
	d.activeMu.Lock()
	d.activeTasks[id] = task
	d.activeMu.Unlock()
	defer func() {
		d.activeMu.Lock()
		delete(d.activeTasks, id)
		d.activeMu.Unlock()
	}()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Range", "bytes="+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(end-1, 10))
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf := make([]byte, 32<<10)
	off, began := start, time.Now()
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if _, err := w.WriteAt(buf[:n], off); err != nil {
				return err
			}
			off += int64(n)
			task.SpeedMu.Lock()
			task.Speed = float64(off-start) / time.Since(began).Seconds()
			task.SpeedMu.Unlock()
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

func (d *Downloader) monitorHealth(ctx context.Context) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var totalSpeed float64
		var speedCount int
		d.activeMu.Lock()
		active := make([]*activeTask, 0, len(d.activeTasks))
		for _, t := range d.activeTasks {
			active = append(active, t)
		}
		d.activeMu.Unlock()
		for _, active := range active {
			active.SpeedMu.Lock()
			if active.Speed > 0 {
				totalSpeed += active.Speed
				speedCount++
			}
			active.SpeedMu.Unlock()
		}
		if speedCount > 0 && d.lowSpeed != nil {
			d.lowSpeed(totalSpeed / float64(speedCount))
		}
	}
}
