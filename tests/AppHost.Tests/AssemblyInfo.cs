// Local infrastructure mode and these tests of it use Unix file modes and Debian's layout.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
