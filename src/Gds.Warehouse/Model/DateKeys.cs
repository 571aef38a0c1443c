namespace Gds.Warehouse.Model;

/// <summary>
/// The date dimension's key, yyyymmdd of the UTC day. UTC because partitions are cut at UTC midnight: a sample
/// must land in the same day whichever time zone the importer runs in.
/// </summary>
public static class DateKeys
{
    public static int Of(DateTimeOffset time)
    {
        var d = time.UtcDateTime;
        return d.Year * 10000 + d.Month * 100 + d.Day;
    }

    public static DateOnly ToDate(int dateKey) => new(dateKey / 10000, dateKey / 100 % 100, dateKey % 100);

    public static int Of(DateOnly day) => day.Year * 10000 + day.Month * 100 + day.Day;
}
