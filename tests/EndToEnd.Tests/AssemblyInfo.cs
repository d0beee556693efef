// One whole topology at a time: two on a 2-core machine would only measure each other.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
