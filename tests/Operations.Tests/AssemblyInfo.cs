using Distribution.Aspire.TestInfrastructure;

[assembly: AssemblyFixture(typeof(TestServers))]
