/** SQL on the cluster, built on the extension API: datasets, planning, fragments, jobs. */
package io.mainstay.sql;
