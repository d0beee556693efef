using System.Text;

namespace Distribution.Aspire.Messaging.Transport;

public static class Partitioning
{
    /// <summary>FNV-1a over the key's UTF-8 bytes: stable across processes and releases, unlike string.GetHashCode.</summary>
    public static int PartitionOf(string partitionKey, int partitions)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(partitionKey))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)partitions);
    }
}
