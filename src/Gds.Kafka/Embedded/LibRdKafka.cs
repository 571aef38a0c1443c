using System.Reflection;
using System.Runtime.InteropServices;

namespace Gds.Kafka.Embedded;

/// <summary>
/// The few librdkafka entry points that Confluent.Kafka does not wrap: the mock cluster. They are resolved to the
/// very file Confluent.Kafka loads, so one copy of librdkafka lives in the process.
/// </summary>
internal static partial class LibRdKafka
{
    private const string Lib = "gds-librdkafka";
    private static string? _path;
    private static readonly object Gate = new();

    /// <summary>Loads librdkafka once, for Confluent.Kafka and for these P/Invokes alike.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_path is not null) return;
            // Let Confluent.Kafka pick and load its native library first (its explicit-path loader fails on
            // Debian 12), then bind these P/Invokes to the same file: dlopen returns the loaded copy.
            _ = Confluent.Kafka.Library.Version;
            _path = FindLibrary();
            NativeLibrary.SetDllImportResolver(typeof(LibRdKafka).Assembly, Resolve);
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Lib ? NativeLibrary.Load(_path!) : IntPtr.Zero;

    private static string FindLibrary()
    {
        // Debian 12 lacks libsasl2.so.3 that the plain librdkafka.so needs; the centos8 build is self-contained.
        var candidates = new List<string>();
        foreach (var root in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(Confluent.Kafka.Library).Assembly.Location)! })
        {
            candidates.Add(Path.Combine(root, "runtimes", "linux-x64", "native", "centos8-librdkafka.so"));
            candidates.Add(Path.Combine(root, "runtimes", "linux-x64", "native", "librdkafka.so"));
        }
        var nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var version = typeof(Confluent.Kafka.Library).Assembly.GetName().Version;
        if (version is not null)
            candidates.Add(Path.Combine(nugetRoot, "librdkafka.redist", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", "linux-x64", "native", "centos8-librdkafka.so"));
        return candidates.FirstOrDefault(File.Exists)
               ?? throw new DllNotFoundException("librdkafka not found; looked in: " + string.Join(", ", candidates));
    }

    public const int RdKafkaProducer = 0;

    [LibraryImport(Lib, EntryPoint = "rd_kafka_conf_new")]
    public static partial IntPtr ConfNew();

    [LibraryImport(Lib, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConfSet(IntPtr conf, string name, string value, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_new")]
    public static partial IntPtr New(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_destroy")]
    public static partial void Destroy(IntPtr rk);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial IntPtr MockClusterNew(IntPtr rk, int brokerCount);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void MockClusterDestroy(IntPtr mcluster);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    public static partial IntPtr MockClusterBootstraps(IntPtr mcluster);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MockTopicCreate(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    public static partial void MockGroupInitialRebalanceDelayMs(IntPtr mcluster, int delayMs);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_set_controller_id")]
    public static partial int MockSetControllerId(IntPtr mcluster, int brokerId);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int MockBrokerSetDown(IntPtr mcluster, int brokerId);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int MockBrokerSetUp(IntPtr mcluster, int brokerId);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    public static partial int MockBrokerSetRtt(IntPtr mcluster, int brokerId, int rttMs);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_err2str")]
    public static partial IntPtr ErrorToString(int err);
}
