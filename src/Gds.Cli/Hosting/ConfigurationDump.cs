using System.Text.Json;
using System.Text.Json.Nodes;
using Gds.Cli.Hosting.Logging;

namespace Gds.Cli.Hosting;

/// <summary>
/// `--print-config`: the options a verb would run with, as bound and validated, one JSON object per section, with
/// every secret masked (by key, and by value wherever else it appears).
/// </summary>
public static class ConfigurationDump
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static int Print(HostApplicationBuilder builder, params (string Section, Type Options)[] sections)
    {
        using var services = builder.Services.BuildServiceProvider();
        var root = new JsonObject();
        try
        {
            foreach (var (section, type) in sections)
            {
                var options = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
                var value = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
                root[section] = Mask(JsonSerializer.SerializeToNode(value, type));
            }
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is OptionsValidationException invalid)
        {
            foreach (var failure in invalid.Failures) Console.Error.WriteLine($"gds: {failure}");
            return Infrastructure.ExitCodes.Usage;
        }
        Console.WriteLine(services.GetRequiredService<SecretRedactor>().Redact(root.ToJsonString(Json)));
        return Infrastructure.ExitCodes.Ok;
    }

    private static JsonNode? Mask(JsonNode? node)
    {
        if (node is JsonObject o)
            foreach (var (key, child) in o.ToList())
                o[key] = SecretRedactor.IsSecret(key) && child is JsonValue v && v.ToString().Length > 0 ? SecretRedactor.Mask : Mask(child?.DeepClone());
        else if (node is JsonArray a)
            for (var i = 0; i < a.Count; i++) a[i] = Mask(a[i]?.DeepClone());
        return node;
    }
}
