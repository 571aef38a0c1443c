using Gds.Notify.Client;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WireMock.Server;
using WireMock.Settings;

namespace Gds.Notify.Tests.Client;

public class TlsTests
{
    [Fact]
    public async Task A_server_certificate_that_is_not_trusted_is_refused_unless_verification_is_switched_off()
    {
        using var certificate = SelfSigned();
        using var server = WireMockServer.Start(new WireMockServerSettings
        {
            UseSSL = true,
            CertificateSettings = new WireMockCertificateSettings { X509Certificate = certificate },
        });
        server.Given(Request.Create().WithPath("/ingest").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var request = Gds.Notify.Payload.NotificationComposer.Compose(Alerts.Firing("evt-tls"));

        using var verifying = NotificationClient.Create(new SinkOptions { NotifyUrl = server.Url! });
        var refused = await verifying.SendAsync(request, CancellationToken.None);
        Assert.Null(refused.StatusCode);
        Assert.IsType<HttpRequestException>(refused.Failure);
        Assert.Empty(server.LogEntries);

        using var trusting = NotificationClient.Create(new SinkOptions { NotifyUrl = server.Url!, SkipTlsVerification = true });
        var accepted = await trusting.SendAsync(request, CancellationToken.None);
        Assert.Equal(200, accepted.StatusCode);
    }

    /// <summary>A certificate for localhost that no one trusts, made on the spot.</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel wants the key in a form it can use for TLS; a PKCS#12 round trip gives that.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}
