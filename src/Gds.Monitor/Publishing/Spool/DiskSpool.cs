using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gds.Monitor.Publishing.Spool;

/// <summary>
/// A bounded, ordered, on-disk queue of Kafka records: segment files of CRC-checked frames, appended at the tail
/// and read from the head. A record leaves only when it is acknowledged; a segment file is deleted once every record
/// in it has left. When the spool is full the oldest segment is dropped and its unsent records are counted per key
/// (instance), so the loss is reported, never silent. After a crash the segments still on disk are read again from
/// their start: a segment whose records were partly delivered may repeat those (at-least-once across a crash).
/// One lock guards everything: appends and reads are memory copies into page-cached files, far shorter than any
/// contention they could cause at collector rates.
/// </summary>
public sealed class DiskSpool : IDisposable
{
    private const string Extension = ".seg";
    private readonly object _gate = new();
    private readonly List<Segment> _segments = [];
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly FileStream _lock;
    private readonly ConcurrentDictionary<string, long> _droppedByKey = new(StringComparer.Ordinal);
    private Segment _active;
    private long _nextSegment;
    private long _nextSeq;
    private long _bytes;
    private long _pending;
    private long _dropped;
    private bool _disposed;

    public DiskSpool(string directory, long maxBytes, long segmentBytes, ILogger? logger = null)
    {
        if (maxBytes < 2 * segmentBytes) throw new ArgumentException($"the spool ({maxBytes} bytes) must hold at least two segments of {segmentBytes} bytes");
        _directory = directory;
        _maxBytes = maxBytes;
        _segmentBytes = segmentBytes;
        _logger = logger ?? NullLogger.Instance;
        Directory.CreateDirectory(directory);
        try
        {
            // One process per spool: two collectors appending to the same files would interleave frames.
            _lock = new FileStream(Path.Combine(directory, "LOCK"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new IOException($"the spool directory {directory} is in use by another collector process; give each collector its own spool directory");
        }
        Recover();
        _active = NewSegment();
    }

    /// <summary>Records appended and neither acknowledged nor dropped.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Bytes of segment files on disk.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Records dropped unsent because the spool was full, in total.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records dropped unsent, by record key (the instance_id).</summary>
    public long DroppedFor(string key) => _droppedByKey.GetValueOrDefault(key);

    /// <summary>Sequence number the next appended record gets; with <see cref="LowestOutstanding"/> it tells a flush when it is done.</summary>
    public long NextSequence { get { lock (_gate) return _nextSeq; } }

    /// <summary>Raised (outside the lock) after records became readable by <see cref="Commit"/>.</summary>
    public event Action? Committed;

    /// <summary>Adds a record at the tail. It becomes readable after <see cref="Commit"/>.</summary>
    public void Append(SpoolRecord record)
    {
        var size = record.FrameSize;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            record.WriteFrame(buffer.AsSpan(0, size));
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                MakeRoom(size);
                _active.Writer!.Write(buffer, 0, size);
                _active.WrittenBytes += size;
                _active.WrittenCount++;
                _nextSeq++;
                _bytes += size;
                _pending++;
                if (_active.WrittenBytes >= _segmentBytes) Roll();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hands appended records to the operating system and makes them readable.</summary>
    public void Commit()
    {
        lock (_gate)
        {
            if (_disposed) return;
            CommitActive();
        }
        Committed?.Invoke();
    }

    /// <summary>The oldest committed record not yet handed out, in append order.</summary>
    public bool TryRead(out SpoolEntry entry)
    {
        lock (_gate)
        {
            entry = default;
            if (_disposed) return false;
            foreach (var segment in _segments)
            {
                while (segment.ReadIndex < segment.CommittedCount)
                {
                    var index = segment.ReadIndex;
                    var record = segment.ReadNext(_directory);
                    if (segment.IsAcked(index)) continue;
                    entry = new SpoolEntry(segment.Number, index, record);
                    return true;
                }
                // Records of a later segment must not overtake the unread tail of this one.
                if (!segment.Sealed) return false;
            }
            return false;
        }
    }

    /// <summary>Marks a record delivered; deletes its segment once every record in it is.</summary>
    public void Ack(SpoolEntry entry)
    {
        lock (_gate)
        {
            if (_disposed) return;
            var segment = Find(entry.Segment);
            // Its segment was dropped while the record was in flight: it still counted as pending until now.
            if (segment is null)
            {
                _pending--;
                return;
            }
            if (!segment.MarkAcked(entry.Index)) return;
            _pending--;
            if (segment.Sealed && segment.AckedCount == segment.CommittedCount && segment != _active) Remove(segment, dropped: false);
        }
    }

    /// <summary>Makes every unacknowledged record readable again, oldest first (after the producer was replaced).</summary>
    public void Rewind()
    {
        lock (_gate)
        {
            foreach (var s in _segments) s.RewindReader();
        }
    }

    /// <summary>The sequence number of the oldest record still waiting, or <see cref="NextSequence"/> when none is.</summary>
    public long LowestOutstanding()
    {
        lock (_gate)
        {
            foreach (var s in _segments)
            {
                var first = s.FirstUnacked();
                if (first < s.WrittenCount) return s.BaseSeq + first;
            }
            return _nextSeq;
        }
    }

    private void MakeRoom(int size)
    {
        if (_bytes + size <= _maxBytes) return;
        // The active segment may be the oldest one: seal it so it can go too.
        if (_active.WrittenCount > 0 && _segments.Count == 1) Roll();
        while (_bytes + size > _maxBytes && _segments.Count > 1)
            Remove(_segments[0], dropped: true);
    }

    private void Roll()
    {
        CommitActive();
        _active.Seal();
        var old = _active;
        _active = NewSegment();
        if (old.AckedCount == old.CommittedCount) Remove(old, dropped: false);
    }

    private void CommitActive()
    {
        _active.Writer!.Flush();
        _active.CommittedBytes = _active.WrittenBytes;
        _active.CommittedCount = _active.WrittenCount;
    }

    private Segment NewSegment()
    {
        var s = new Segment(_nextSegment++, _nextSeq, _directory);
        s.OpenWriter();
        _segments.Add(s);
        return s;
    }

    private Segment? Find(long number)
    {
        foreach (var s in _segments) if (s.Number == number) return s;
        return null;
    }

    private void Remove(Segment segment, bool dropped)
    {
        if (dropped)
        {
            var lost = 0;
            foreach (var (index, record) in segment.ReadAll(_directory))
            {
                // Handed out but not yet acknowledged: the producer has it and will deliver it.
                if (index < segment.ReadIndex || segment.IsAcked(index)) continue;
                _droppedByKey.AddOrUpdate(record.KeyText, 1, (_, n) => n + 1);
                lost++;
            }
            _dropped += lost;
            _pending -= lost;
            _logger.LogWarning("spool full ({MaxBytes} bytes): dropped the oldest segment with {Records} unsent samples", _maxBytes, lost);
        }
        segment.Delete(_directory);
        _bytes -= segment.WrittenBytes;
        _segments.Remove(segment);
        if (segment == _active) _active = NewSegment();
    }

    /// <summary>Takes up the segments a previous process left: each is checked frame by frame and cut at the first bad one.</summary>
    private void Recover()
    {
        var files = Directory.GetFiles(_directory, "*" + Extension)
            .Select(f => (Path: f, Number: long.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(f => f.Number >= 0)
            .OrderBy(f => f.Number)
            .ToList();
        foreach (var (path, number) in files)
        {
            var segment = new Segment(number, _nextSeq, _directory);
            var (count, validBytes, fileBytes) = segment.Scan(_directory);
            if (validBytes < fileBytes)
            {
                using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write)) fs.SetLength(validBytes);
                _logger.LogWarning("spool segment {Segment}: cut {Bytes} bytes of a torn or corrupt tail", Path.GetFileName(path), fileBytes - validBytes);
            }
            if (count == 0)
            {
                File.Delete(path);
                continue;
            }
            segment.WrittenBytes = segment.CommittedBytes = validBytes;
            segment.WrittenCount = segment.CommittedCount = count;
            segment.Seal();
            _segments.Add(segment);
            _nextSeq += count;
            _bytes += validBytes;
            _pending += count;
        }
        _nextSegment = files.Count == 0 ? 0 : files[^1].Number + 1;
        if (_pending > 0) _logger.LogInformation("spool: {Records} samples from a previous run will be sent first", _pending);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            CommitActive();
            foreach (var s in _segments)
            {
                // Fully delivered segments (the active one included) must not be sent again by the next process.
                if (s.AckedCount == s.WrittenCount) s.Delete(_directory);
                else s.Close();
            }
        }
        _lock.Dispose();
    }

    /// <summary>One segment file and where appending, reading and acknowledging have got to in it.</summary>
    private sealed class Segment(long number, long baseSeq, string directory)
    {
        private readonly List<bool> _acked = [];
        private FileStream? _reader;
        private long _readOffset;
        private int _firstUnacked;

        public long Number { get; } = number;
        public long BaseSeq { get; } = baseSeq;
        public FileStream? Writer { get; private set; }
        public long WrittenBytes { get; set; }
        public int WrittenCount { get; set; }
        public long CommittedBytes { get; set; }
        public int CommittedCount { get; set; }
        public int ReadIndex { get; private set; }
        public int AckedCount { get; private set; }
        public bool Sealed { get; private set; }

        private string FilePath => Path.Combine(directory, Number.ToString("D12", CultureInfo.InvariantCulture) + Extension);

        public void OpenWriter() =>
            Writer = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 64 * 1024);

        public void Seal()
        {
            Sealed = true;
            Writer?.Dispose();
            Writer = null;
        }

        public bool IsAcked(int index) => index < _acked.Count && _acked[index];

        public bool MarkAcked(int index)
        {
            while (_acked.Count <= index) _acked.Add(false);
            if (_acked[index]) return false;
            _acked[index] = true;
            AckedCount++;
            return true;
        }

        public int FirstUnacked()
        {
            while (_firstUnacked < WrittenCount && IsAcked(_firstUnacked)) _firstUnacked++;
            return _firstUnacked;
        }

        public void RewindReader()
        {
            ReadIndex = 0;
            _readOffset = 0;
        }

        public SpoolRecord ReadNext(string dir)
        {
            _reader ??= new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
            var (record, size) = ReadFrame(_reader, _readOffset)
                                 ?? throw new InvalidDataException($"spool segment {Path.GetFileName(FilePath)} is corrupt at byte {_readOffset}");
            _readOffset += size;
            ReadIndex++;
            return record;
        }

        /// <summary>Every committed record with its index, from a reader of its own (the main reader keeps its place).</summary>
        public IEnumerable<(int Index, SpoolRecord Record)> ReadAll(string dir)
        {
            using var fs = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
            long offset = 0;
            for (var i = 0; i < CommittedCount; i++)
            {
                if (ReadFrame(fs, offset) is not { } frame) yield break;
                offset += frame.Size;
                yield return (i, frame.Record);
            }
        }

        public (int Count, long ValidBytes, long FileBytes) Scan(string dir)
        {
            using var fs = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            long offset = 0;
            var count = 0;
            while (ReadFrame(fs, offset) is { } frame)
            {
                offset += frame.Size;
                count++;
            }
            return (count, offset, fs.Length);
        }

        private static (SpoolRecord Record, int Size)? ReadFrame(FileStream fs, long offset)
        {
            Span<byte> header = stackalloc byte[SpoolRecord.HeaderSize];
            fs.Position = offset;
            if (fs.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) return null;
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (length <= 0 || length > 64 * 1024 * 1024 || offset + SpoolRecord.HeaderSize + length > fs.Length) return null;
            var payload = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                if (fs.ReadAtLeast(payload.AsSpan(0, length), length, throwOnEndOfStream: false) < length) return null;
                if (System.IO.Hashing.Crc32.HashToUInt32(payload.AsSpan(0, length)) != crc) return null;
                return (SpoolRecord.ReadPayload(payload.AsSpan(0, length)), SpoolRecord.HeaderSize + length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(payload);
            }
        }

        public void Close()
        {
            Writer?.Dispose();
            Writer = null;
            _reader?.Dispose();
            _reader = null;
        }

        public void Delete(string dir)
        {
            Close();
            File.Delete(FilePath);
        }
    }
}
