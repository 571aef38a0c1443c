using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gds.Schemas.Compatibility;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gds.Schemas.Registry;

/// <summary>
/// An in-process stand-in for Confluent Schema Registry, in memory like the embedded broker: the part of its REST
/// API that Confluent's .NET client and Avro serdes call, plus what an operator or kcat reads (subjects, versions,
/// schemas by id, compatibility checks and levels). Compatibility is judged by <see cref="SchemaCompatibility"/>.
/// Not served: deletes, modes, contexts, schema references, exporters, authentication, persistence.
/// </summary>
public sealed class EmbeddedSchemaRegistry : IAsyncDisposable
{
    /// <summary>Confluent's media type, which its clients ask for and which its registry answers with.</summary>
    public const string MediaType = "application/vnd.schemaregistry.v1+json";

    private readonly WebApplication app;

    private EmbeddedSchemaRegistry(WebApplication app, SchemaRegistryStore store, string url) =>
        (this.app, Store, Url) = (app, store, url);

    /// <summary>The base URL clients take as schema.registry.url, e.g. http://127.0.0.1:38121.</summary>
    public string Url { get; }

    /// <summary>The registry's state, for a host that registers the catalog's schemas without HTTP.</summary>
    public SchemaRegistryStore Store { get; }

    /// <param name="listen">HOST:PORT to listen on; port 0 picks a free one (see <see cref="Url"/>).</param>
    public static async Task<EmbeddedSchemaRegistry> StartAsync(string listen = "127.0.0.1:0", ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var endpoint = ParseListen(listen);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory ?? NullLoggerFactory.Instance);
        builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint));
        var store = new SchemaRegistryStore();
        var app = builder.Build();
        Map(app, store);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
        var host = endpoint.Address.Equals(IPAddress.Any) ? "127.0.0.1"
            : endpoint.Address.Equals(IPAddress.IPv6Any) ? "[::1]"
            : endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]"
            : endpoint.Address.ToString();
        return new EmbeddedSchemaRegistry(app, store, $"http://{host}:{port}");
    }

    /// <summary>Stops listening; requests still in flight get two seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await app.StopAsync(deadline.Token); }
        catch (OperationCanceledException) { }
        await app.DisposeAsync();
    }

    /// <summary>HOST:PORT as <see cref="StartAsync"/> takes it; ArgumentException naming what is wrong.</summary>
    public static IPEndPoint ParseListen(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon > 0 && int.TryParse(listen[(colon + 1)..], out var port) && port is >= 0 and <= 65535)
        {
            var host = listen[..colon].Trim('[', ']');
            if (host == "localhost") return new IPEndPoint(IPAddress.Loopback, port);
            if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, port);
        }
        throw new ArgumentException($"schema registry listen address '{listen}': expected HOST:PORT with an IP address or localhost, e.g. 127.0.0.1:8081 (port 0 picks a free one)", nameof(listen));
    }

    private static void Map(WebApplication app, SchemaRegistryStore store)
    {
        // Confluent's registry answers a route it does not serve with its JSON error shape, and its .NET serdes
        // rely on that: the default subject name strategy (Associated) asks GET /associations/... first and falls
        // back to topic-name subjects on a 404.
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
                if (context.Response is { HasStarted: false, StatusCode: 404 or 405 } response)
                    await Error(context, new RegistryError(response.StatusCode, response.StatusCode, response.StatusCode == 404 ? "HTTP 404 Not Found" : "HTTP 405 Method Not Allowed"));
            }
            catch (RegistryError error)
            {
                await Error(context, error);
            }
        });

        app.MapGet("/", () => Json(new JsonObject()));
        app.MapGet("/schemas/types", () => Json(new JsonArray("AVRO")));

        app.MapGet("/schemas/ids/{id:int}", (int id) => Json(SchemaBody(store.ById(id))));
        app.MapGet("/schemas/ids/{id:int}/schema", (int id) => RawSchema(store.ById(id)));
        app.MapGet("/schemas/ids/{id:int}/subjects", (int id) => Json(new JsonArray(store.UsesOf(id).Select(v => (JsonNode)v.Subject).Distinct().ToArray())));
        app.MapGet("/schemas/ids/{id:int}/versions", (int id) =>
            Json(new JsonArray(store.UsesOf(id).Select(v => (JsonNode)new JsonObject { ["subject"] = v.Subject, ["version"] = v.Version }).ToArray())));

        app.MapGet("/subjects", () => Json(new JsonArray(store.Subjects().Select(s => (JsonNode)s).ToArray())));
        app.MapGet("/subjects/{subject}/versions", (string subject) => Json(new JsonArray(store.Versions(subject).Select(v => (JsonNode)v.Version).ToArray())));
        app.MapGet("/subjects/{subject}/versions/{version}", (string subject, string version) => Json(VersionBody(store.Version(subject, version))));
        app.MapGet("/subjects/{subject}/versions/{version}/schema", (string subject, string version) => RawSchema(store.Version(subject, version).Schema));

        app.MapPost("/subjects/{subject}/versions", async (string subject, HttpRequest request) =>
        {
            var registered = store.Register(subject, await SchemaOf(request));
            return Json(new JsonObject { ["id"] = registered.Schema.Id, ["version"] = registered.Version });
        });
        app.MapPost("/subjects/{subject}", async (string subject, HttpRequest request) =>
            Json(VersionBody(store.Lookup(subject, await SchemaOf(request)))));

        app.MapPost("/compatibility/subjects/{subject}/versions/{version}", async (string subject, string version, HttpRequest request) =>
            Compatibility(store.TestCompatibility(subject, version, await SchemaOf(request)), request));
        app.MapPost("/compatibility/subjects/{subject}/versions", async (string subject, HttpRequest request) =>
            Compatibility(store.TestCompatibility(subject, null, await SchemaOf(request)), request));

        app.MapGet("/config", () => Json(new JsonObject { ["compatibilityLevel"] = store.GlobalLevel.Name() }));
        app.MapPut("/config", async (HttpRequest request) =>
        {
            store.GlobalLevel = await LevelOf(request);
            return Json(new JsonObject { ["compatibility"] = store.GlobalLevel.Name() });
        });
        app.MapGet("/config/{subject}", (string subject, bool? defaultToGlobal) =>
        {
            var level = store.SubjectLevel(subject) ?? (defaultToGlobal == true ? store.GlobalLevel : throw RegistryError.NoSubjectConfig(subject));
            return Json(new JsonObject { ["compatibilityLevel"] = level.Name() });
        });
        app.MapPut("/config/{subject}", async (string subject, HttpRequest request) =>
        {
            var level = await LevelOf(request);
            store.SetSubjectLevel(subject, level);
            return Json(new JsonObject { ["compatibility"] = level.Name() });
        });
    }

    private static JsonObject SchemaBody(StoredSchema schema) => new() { ["schema"] = schema.Text };

    private static JsonObject VersionBody(SubjectVersion v) => new()
    {
        ["subject"] = v.Subject,
        ["version"] = v.Version,
        ["id"] = v.Schema.Id,
        ["schema"] = v.Schema.Text,
    };

    private static IResult RawSchema(StoredSchema schema) => Results.Text(schema.Text, MediaType);

    private static IResult Compatibility(IReadOnlyList<SchemaProblem> problems, HttpRequest request)
    {
        var body = new JsonObject { ["is_compatible"] = problems.Count == 0 };
        if (string.Equals(request.Query["verbose"], "true", StringComparison.OrdinalIgnoreCase))
            body["messages"] = new JsonArray(problems.Select(p => (JsonNode)p.ToString()).ToArray());
        return Json(body);
    }

    private static IResult Json(JsonNode body) => Results.Text(body.ToJsonString(), MediaType);

    private static Task Error(HttpContext context, RegistryError error)
    {
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = MediaType;
        return context.Response.WriteAsync(new JsonObject { ["error_code"] = error.ErrorCode, ["message"] = error.Message }.ToJsonString());
    }

    /// <summary>
    /// The request's JSON body, whatever content type it was sent with: Confluent's clients send their own media
    /// type, curl sends form encoding, and minimal API body binding would refuse both.
    /// </summary>
    private static async Task<JsonObject> BodyOf(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject ?? throw RegistryError.BadRequest("the request body must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw RegistryError.BadRequest("the request body is not JSON: " + ex.Message);
        }
    }

    /// <summary>The schema text of a register, lookup or compatibility request; only Avro without references.</summary>
    private static async Task<string> SchemaOf(HttpRequest request)
    {
        var body = await BodyOf(request);
        var type = body["schemaType"]?.GetValue<string>() ?? "AVRO";
        if (!string.Equals(type, "AVRO", StringComparison.OrdinalIgnoreCase))
            throw RegistryError.InvalidSchema($"schemaType {type}: this registry holds Avro schemas only");
        if (body["references"] is JsonArray { Count: > 0 })
            throw RegistryError.InvalidSchema("schema references are not supported by the embedded registry");
        return body["schema"] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw RegistryError.InvalidSchema("the request has no \"schema\" string");
    }

    private static async Task<CompatibilityLevel> LevelOf(HttpRequest request)
    {
        var body = await BodyOf(request);
        var text = body["compatibility"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        return CompatibilityLevels.TryParse(text, out var level) ? level : throw RegistryError.InvalidLevel(text);
    }
}
